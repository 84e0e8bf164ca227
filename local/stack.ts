import { randomBytes } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_CLIENT_ID } from '../emulator/accounts.ts';
import { AUTHORIZE_PATH } from '../emulator/authorize-routes.ts';
import { type GoogleEmulator, startGoogleEmulator } from '../emulator/server.ts';
import { generateSigningKeyPair } from '../lib/agent-wire/signing.ts';
import { SERVICE, secretParameter } from '../scripts/deployment.ts';
import type { AwsCall } from './aws-calls.ts';
import { type LocalConnectionsApi, startLocalConnectionsApi } from './connections.ts';
import { type LocalDynamo, startLocalDynamo } from './dynamo.ts';
import { type RunningOffline, startOffline } from './offline.ts';
import { type LocalSsm, startLocalSsm } from './ssm.ts';

/** The Google OAuth client the broker uses against the emulator unless told otherwise. */
// The emulator's default client id, so the demo token (issued to it) still passes the broker's audience check.
export const LOCAL_GOOGLE_CLIENT = { id: DEFAULT_CLIENT_ID, secret: 'local-broker-secret' };

/** Writes a fresh random token-sealing key to a private temporary file. */
export async function temporaryTokenKeyFile(): Promise<string> {
  const file = join(await mkdtemp(join(tmpdir(), 'broker-key-')), 'token.key');
  await writeFile(file, randomBytes(32).toString('base64'), { mode: 0o600 });
  return file;
}

/** serverless-offline serves the `dev` stage. */
const LOCAL_STAGE = 'dev';

/** The table name serverless.yml gives the local stage. */
export const LOCAL_TABLE_NAME = `${SERVICE}-${LOCAL_STAGE}`;

export interface LocalStackOptions {
  httpPort: number;
  lambdaPort: number;
  /** serverless-offline's WebSocket API for agents, and its `@connections` management API. */
  websocketPort: number;
  /** A real (or already running) Gmail API root; when set, no emulator is started. */
  gmailApiUrl?: string | undefined;
  googleOAuthUrl?: string | undefined;
  /** The broker's Google OAuth client id; with the emulator, the emulator's own when absent. */
  googleClientId?: string | undefined;
  /** Its secret, served to the functions through the SSM stand-in (refresh is off without it). */
  googleClientSecret?: string | undefined;
  emulatorPort?: number;
  dynamoPort?: number;
  /** Keep DynamoDB's data in this folder (in memory when absent). */
  dynamoPath?: string;
  /** The broker's job-signing key (PKCS#8 PEM); a fresh one when absent. */
  jobSigningKey?: string;
  /** File with the 32-byte key sealing stored Google refresh tokens; a fresh temporary one when absent. */
  tokenKeyFile?: string;
  /** Where the functions' logs go (echoed to stderr when absent). */
  logFile?: string;
  /** Extra environment for the functions. */
  env?: Record<string, string>;
  /** Told of every DynamoDB, SSM and `@connections` call a function makes. */
  onAwsCall?: (call: AwsCall) => void;
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
  /** The `@connections` root the functions post to (recorded, passed on to serverless-offline). */
  managementUrl: string;
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
  const googleClientId = options.googleClientId ?? (emulator ? LOCAL_GOOGLE_CLIENT.id : undefined);
  // The emulator takes any secret; the MCP sign-in (a code exchange) needs one.
  const googleClientSecret = options.googleClientSecret ?? (emulator ? LOCAL_GOOGLE_CLIENT.secret : undefined);
  let dynamo: LocalDynamo | undefined;
  let ssm: LocalSsm | undefined;
  let connectionsApi: LocalConnectionsApi | undefined;
  try {
    dynamo = await startLocalDynamo({
      port: options.dynamoPort ?? 0,
      tableName: LOCAL_TABLE_NAME,
      ...(options.dynamoPath ? { path: options.dynamoPath } : {}),
      ...(options.onAwsCall ? { onCall: options.onAwsCall } : {}),
    });
    // Secrets reach the functions as on AWS: through SSM, never in their environment.
    ssm = await startLocalSsm({
      parameters: {
        [secretParameter('job_signing_key', LOCAL_STAGE)]: options.jobSigningKey ?? generateSigningKeyPair().privateKey,
        ...(googleClientSecret ? { [secretParameter('google_client_secret', LOCAL_STAGE)]: googleClientSecret } : {}),
      },
      ...(options.onAwsCall ? { onCall: options.onAwsCall } : {}),
    });
    connectionsApi = await startLocalConnectionsApi({
      websocketPort: options.websocketPort,
      ...(options.onAwsCall ? { onCall: options.onAwsCall } : {}),
    });
    const tokenKeyFile = options.tokenKeyFile ?? (await temporaryTokenKeyFile());
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
        SSM_ENDPOINT: ssm.endpoint,
        TOKEN_KEY_FILE: tokenKeyFile,
        // The MCP sign-in goes to the emulator's authorization endpoint.
        ...(emulator ? { GOOGLE_AUTHORIZE_URL: `${emulator.url}${AUTHORIZE_PATH}` } : {}),
        // Launching fails closed without a client id; the emulator's demo token is issued to its own.
        ...(googleClientId ? { GOOGLE_CLIENT_ID: googleClientId } : {}),
        // serverless-offline serves the WebSocket API and `@connections` on one port; the
        // management client must be pointed there (its default endpoint is AWS's), here
        // through a recording pass-through.
        AGENT_SOCKET_URL: `ws://127.0.0.1:${options.websocketPort}`,
        WEBSOCKET_MANAGEMENT_URL: connectionsApi.endpoint,
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
      managementUrl: connectionsApi.endpoint,
      async stop() {
        await offline.stop();
        await connectionsApi?.close();
        await ssm?.close();
        await dynamo?.close();
        await emulator?.close();
      },
    };
  } catch (error) {
    await connectionsApi?.close();
    await ssm?.close();
    await dynamo?.close();
    await emulator?.close();
    throw error;
  }
}
