import { type GoogleEmulator, startGoogleEmulator } from '../emulator/server.ts';
import { generateSigningKeyPair } from '../lib/jobs/signing.ts';
import { type LocalDynamo, startLocalDynamo } from './dynamo.ts';
import { type RunningOffline, startOffline } from './offline.ts';

/** The table name serverless.yml gives the `dev` stage. */
export const LOCAL_TABLE_NAME = 'chatgpt-broker-dev';

export interface LocalStackOptions {
  httpPort: number;
  lambdaPort: number;
  /** serverless-offline's WebSocket API for agents, and its `@connections` management API. */
  websocketPort: number;
  /** A real (or already running) Gmail API root; when set, no emulator is started. */
  gmailApiUrl?: string | undefined;
  googleOAuthUrl?: string | undefined;
  emulatorPort?: number;
  dynamoPort?: number;
  /** Keep DynamoDB's data in this folder (in memory when absent). */
  dynamoPath?: string;
  /** The broker's job-signing key (PKCS#8 PEM); a fresh one when absent. */
  jobSigningKey?: string;
  /** Where the functions' logs go (echoed to stderr when absent). */
  logFile?: string;
  /** Extra environment for the functions. */
  env?: Record<string, string>;
}

export interface LocalStack {
  apiUrl: string;
  lambdaUrl: string;
  /** The agents' WebSocket (`ws://127.0.0.1:<websocketPort>`). */
  socketUrl: string;
  /** The embedded Google emulator's URL, when one was started. */
  emulatorUrl: string | undefined;
  dynamo: LocalDynamo;
  offline: RunningOffline;
  stop(): Promise<void>;
}

/**
 * Runs the whole broker on this machine: the embedded Google emulator (unless a Gmail
 * URL is given), embedded DynamoDB (dynalite) and serverless-offline serving the built
 * functions against them. Used by
 * `npm start` and by the integration tests, so both exercise the same wiring.
 */
export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  let emulator: GoogleEmulator | undefined;
  if (!options.gmailApiUrl) {
    emulator = await startGoogleEmulator({ port: options.emulatorPort ?? 0, seedDemo: true });
  }
  const gmailApiUrl = options.gmailApiUrl ?? `${emulator?.url}/`;
  const googleOAuthUrl = options.googleOAuthUrl ?? (emulator ? `${emulator.url}/` : '');
  let dynamo: LocalDynamo | undefined;
  try {
    dynamo = await startLocalDynamo({
      port: options.dynamoPort ?? 0,
      tableName: LOCAL_TABLE_NAME,
      ...(options.dynamoPath ? { path: options.dynamoPath } : {}),
    });
    const offline = await startOffline({
      httpPort: options.httpPort,
      lambdaPort: options.lambdaPort,
      websocketPort: options.websocketPort,
      ...(options.logFile ? { logFile: options.logFile } : {}),
      env: {
        GMAIL_API_URL: gmailApiUrl,
        GOOGLE_OAUTH_URL: googleOAuthUrl,
        PUBLIC_URL: `http://localhost:${options.httpPort}`,
        DYNAMODB_ENDPOINT: dynamo.endpoint,
        JOB_SIGNING_KEY: options.jobSigningKey ?? generateSigningKeyPair().privateKey,
        // serverless-offline serves the WebSocket API and `@connections` on one port; the
        // management client must be pointed there (its default endpoint is AWS's).
        AGENT_SOCKET_URL: `ws://127.0.0.1:${options.websocketPort}`,
        WEBSOCKET_MANAGEMENT_URL: `http://127.0.0.1:${options.websocketPort}`,
        ...options.env,
      },
    });
    return {
      apiUrl: offline.apiUrl,
      lambdaUrl: offline.lambdaUrl,
      socketUrl: offline.socketUrl,
      emulatorUrl: emulator?.url,
      dynamo,
      offline,
      async stop() {
        await offline.stop();
        await dynamo?.close();
        await emulator?.close();
      },
    };
  } catch (error) {
    await dynamo?.close();
    await emulator?.close();
    throw error;
  }
}
