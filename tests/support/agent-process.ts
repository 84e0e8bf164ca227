import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inject } from 'vitest';

const agentBundle = fileURLToPath(new URL('../../dist/agent/agent.mjs', import.meta.url));
export const recordArgsProgram = fileURLToPath(new URL('../fixtures/record-args.mjs', import.meta.url));

export interface AgentProcess {
  child: ChildProcess;
  stateDir: string;
  /** Everything the agent printed so far (stdout and stderr). */
  output(): string;
  /** Resolves with the first match of `pattern` in the agent's output. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  stop(): Promise<void>;
}

/**
 * Runs the real desktop agent (the built bundle, as users run it) against the test
 * broker, with a catalog file of its own. Stopped by its PID.
 */
export async function startAgent(options: {
  catalog: object;
  stateDir?: string;
  name?: string;
  /** More flags, e.g. `--transport poll`. */
  args?: string[];
}): Promise<AgentProcess> {
  const stateDir = options.stateDir ?? (await mkdtemp(join(tmpdir(), 'agent-state-')));
  const configFile = join(await mkdtemp(join(tmpdir(), 'agent-config-')), 'catalog.json');
  await writeFile(configFile, JSON.stringify(options.catalog));
  const child = spawn(
    process.execPath,
    [
      agentBundle,
      '--broker',
      inject('apiUrl'),
      '--state-dir',
      stateDir,
      '--config',
      configFile,
      '--name',
      options.name ?? 'test-computer',
      ...(options.args ?? []),
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const listeners = new Set<() => void>();
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
    for (const listener of listeners) listener();
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  return {
    child,
    stateDir,
    output: () => output,
    waitFor(pattern, timeoutMs = 20_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const match = output.match(pattern);
          if (!match) return;
          listeners.delete(check);
          clearTimeout(timer);
          resolve(match);
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`agent did not print ${pattern} within ${timeoutMs} ms; it printed:\n${output}`));
        }, timeoutMs);
        listeners.add(check);
        check();
      });
    },
    stop() {
      return new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGKILL');
      });
    },
  };
}
