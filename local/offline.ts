import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const serverlessBin = fileURLToPath(new URL('../node_modules/serverless/bin/serverless.js', import.meta.url));

export interface OfflineOptions {
  httpPort: number;
  lambdaPort: number;
  /** Where the WebSocket API (and its `@connections` management API) listens. */
  websocketPort: number;
  /** Environment for the functions (serverless.yml reads these through ${env:...}). */
  env: Record<string, string>;
  /** Where offline's output (the functions' logs) goes; echoed to this process when absent. */
  logFile?: string;
  /** Give up waiting for "Server ready" after this long. */
  startTimeoutMs?: number;
}

export interface RunningOffline {
  apiUrl: string;
  lambdaUrl: string;
  /** `ws://...`: what agents connect to. */
  socketUrl: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

/**
 * Runs `serverless offline` (API Gateway + Lambda emulation) on the built bundles as a
 * child process, resolving once it serves. Stopped by PID, never by name.
 */
export function startOffline(options: OfflineOptions): Promise<RunningOffline> {
  const child = spawn(
    process.execPath,
    [
      serverlessBin,
      'offline',
      'start',
      '--httpPort',
      String(options.httpPort),
      '--lambdaPort',
      String(options.lambdaPort),
      '--websocketPort',
      String(options.websocketPort),
      '--host',
      '127.0.0.1',
    ],
    {
      cwd: root,
      env: {
        ...process.env,
        SLS_TELEMETRY_DISABLED: '1',
        SLS_NOTIFICATIONS_MODE: 'off',
        // serverless needs credentials to exist; offline never sends them anywhere.
        AWS_ACCESS_KEY_ID: process.env.AWS_ACCESS_KEY_ID ?? 'local',
        AWS_SECRET_ACCESS_KEY: process.env.AWS_SECRET_ACCESS_KEY ?? 'local',
        ...options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const sink = options.logFile ? createWriteStream(options.logFile, { flags: 'a' }) : undefined;
  const forward = (chunk: Buffer) => (sink ? sink.write(chunk) : process.stderr.write(chunk));
  child.stdout?.on('data', forward);
  child.stderr?.on('data', forward);

  const closeSink = () => new Promise<void>((resolve) => (sink ? sink.end(resolve) : resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      await new Promise<void>((resolve) => {
        const force = setTimeout(() => child.kill('SIGKILL'), 5_000);
        child.once('exit', () => {
          clearTimeout(force);
          resolve();
        });
        child.kill('SIGTERM');
      });
    }
    await closeSink();
  };

  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => {
      void stop();
      reject(
        new Error(
          `serverless offline did not start within ${options.startTimeoutMs ?? 60_000} ms:\n${output.slice(-2000)}`,
        ),
      );
    }, options.startTimeoutMs ?? 60_000);
    const watch = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Server ready:')) {
        clearTimeout(timer);
        child.stdout?.off('data', watch);
        child.stderr?.off('data', watch);
        resolve({
          apiUrl: `http://127.0.0.1:${options.httpPort}`,
          lambdaUrl: `http://127.0.0.1:${options.lambdaPort}`,
          socketUrl: `ws://127.0.0.1:${options.websocketPort}`,
          process: child,
          stop,
        });
      }
    };
    child.stdout?.on('data', watch);
    child.stderr?.on('data', watch);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`serverless offline exited with code ${code}:\n${output.slice(-2000)}`));
    });
  });
}
