import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** A running desktop agent process and what it printed. */
export interface AgentProcess {
  child: ChildProcess;
  stateDir: string;
  /** Everything the agent printed so far (stdout and stderr). */
  output(): string;
  /** Resolves with the first match of `pattern` in the agent's output (all of it, not only what comes next). */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Kills the agent (SIGKILL: no goodbye to the broker) and resolves once it has exited. */
  stop(): Promise<void>;
}

/**
 * Runs a built agent bundle against `broker`, from the bundle's own directory, with
 * `catalog` written to a config file of its own: what the integration tests and the
 * push benchmark both start. Stopped by its PID.
 */
export async function spawnAgent(options: {
  bundle: string;
  broker: string;
  stateDir: string;
  catalog: object;
  name: string;
  /** More flags, e.g. `--transport poll`. */
  args?: string[];
}): Promise<AgentProcess> {
  const configFile = join(await mkdtemp(join(tmpdir(), 'agent-config-')), 'catalog.json');
  await writeFile(configFile, JSON.stringify(options.catalog));
  const child = spawn(
    process.execPath,
    [
      options.bundle,
      '--broker',
      options.broker,
      '--state-dir',
      options.stateDir,
      '--config',
      configFile,
      '--name',
      options.name,
      ...(options.args ?? []),
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], cwd: dirname(options.bundle) },
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
    stateDir: options.stateDir,
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
