import { spawn as nodeSpawn, type SpawnOptions } from 'node:child_process';
import type { LaunchPlan } from './catalog.ts';

/**
 * Starts a program without a shell and without waiting for it: the app outlives the
 * agent. "Launched" means the OS started the process (Node's 'spawn' event).
 */

/** The part of a child process the launcher uses. */
export interface SpawnedProcess {
  readonly pid?: number | undefined;
  once(event: 'spawn', listener: () => void): unknown;
  once(event: 'error', listener: (error: Error) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  unref(): void;
}

/** The process-launching port; node:child_process `spawn` by default. */
export type SpawnPort = (command: string, args: string[], options: SpawnOptions) => SpawnedProcess;

export type LaunchOutcome = { status: 'launched'; pid: number | undefined } | { status: 'failed'; message: string };

export const SPAWN_OPTIONS: SpawnOptions = Object.freeze({
  shell: false,
  detached: true,
  stdio: 'ignore',
  windowsHide: false,
});

export function launch(plan: LaunchPlan, spawn: SpawnPort = nodeSpawn): Promise<LaunchOutcome> {
  return new Promise((resolve) => {
    let child: SpawnedProcess;
    try {
      child = spawn(plan.command, plan.args, { ...SPAWN_OPTIONS });
    } catch (error) {
      resolve({ status: 'failed', message: describeSpawnError(error, plan.command) });
      return;
    }
    child.once('spawn', () => {
      // Later errors (e.g. a failed kill) must not crash the agent.
      child.on('error', () => undefined);
      child.unref();
      resolve({ status: 'launched', pid: child.pid });
    });
    child.once('error', (error) => resolve({ status: 'failed', message: describeSpawnError(error, plan.command) }));
  });
}

function describeSpawnError(error: unknown, command: string): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return `not installed at ${command}`;
  if (code === 'EACCES') return `not executable: ${command}`;
  return `could not start ${command}: ${error instanceof Error ? error.message : String(error)}`;
}
