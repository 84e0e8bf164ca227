import { type GoogleEmulator, startGoogleEmulator } from '../emulator/server.ts';
import { type RunningOffline, startOffline } from './offline.ts';

export interface LocalStackOptions {
  httpPort: number;
  lambdaPort: number;
  /** A real (or already running) Gmail API root; when set, no emulator is started. */
  gmailApiUrl?: string | undefined;
  googleOAuthUrl?: string | undefined;
  emulatorPort?: number;
  /** Where the functions' logs go (echoed to stderr when absent). */
  logFile?: string;
  /** Extra environment for the functions. */
  env?: Record<string, string>;
}

export interface LocalStack {
  apiUrl: string;
  lambdaUrl: string;
  /** The embedded Google emulator's URL, when one was started. */
  emulatorUrl: string | undefined;
  offline: RunningOffline;
  stop(): Promise<void>;
}

/**
 * Runs the whole broker on this machine: the embedded Google emulator (unless a Gmail
 * URL is given) and serverless-offline serving the built functions against it. Used by
 * `npm start` and by the integration tests, so both exercise the same wiring.
 */
export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  let emulator: GoogleEmulator | undefined;
  if (!options.gmailApiUrl) {
    emulator = await startGoogleEmulator({ port: options.emulatorPort ?? 0, seedDemo: true });
  }
  const gmailApiUrl = options.gmailApiUrl ?? `${emulator?.url}/`;
  const googleOAuthUrl = options.googleOAuthUrl ?? (emulator ? `${emulator.url}/` : '');
  try {
    const offline = await startOffline({
      httpPort: options.httpPort,
      lambdaPort: options.lambdaPort,
      ...(options.logFile ? { logFile: options.logFile } : {}),
      env: {
        GMAIL_API_URL: gmailApiUrl,
        GOOGLE_OAUTH_URL: googleOAuthUrl,
        PUBLIC_URL: `http://localhost:${options.httpPort}`,
        ...options.env,
      },
    });
    return {
      apiUrl: offline.apiUrl,
      lambdaUrl: offline.lambdaUrl,
      emulatorUrl: emulator?.url,
      offline,
      async stop() {
        await offline.stop();
        await emulator?.close();
      },
    };
  } catch (error) {
    await emulator?.close();
    throw error;
  }
}
