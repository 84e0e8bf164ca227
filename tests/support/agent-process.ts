import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inject } from 'vitest';

const agentBundle = fileURLToPath(new URL('../../dist/agent/agent.mjs', import.meta.url));
export const recordArgsProgram = fileURLToPath(new URL('../fixtures/record-args.mjs', import.meta.url));

let copied: Promise<string> | undefined;

/**
 * The built agent bundle, copied alone into a temporary directory outside the
 * repository, as a user who downloaded the one file has it: no node_modules beside it or
 * above it (checked), nothing but Node.
 */
export function standaloneAgent(): Promise<string> {
  copied ??= (async () => {
    const dir = await mkdtemp(join(tmpdir(), 'agent-standalone-'));
    for (let up = dir; ; up = dirname(up)) {
      if (existsSync(join(up, 'node_modules'))) throw new Error(`${up} has node_modules: not a clean place`);
      if (dirname(up) === up) break;
    }
    const file = join(dir, 'agent.mjs');
    await copyFile(agentBundle, file);
    return file;
  })();
  return copied;
}

/** Runs the standalone agent with `args` to completion (e.g. `status`), from its own directory. */
export async function runStandaloneAgent(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const file = await standaloneAgent();
  return new Promise((resolve) => {
    execFile(process.execPath, [file, ...args], { cwd: dirname(file) }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : Number(error.code), stdout, stderr });
    });
  });
}

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
 * Runs the real desktop agent (the built bundle, copied outside the repository as users
 * run it) against the test broker, with a catalog file of its own. Stopped by its PID.
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
  const bundle = await standaloneAgent();
  const child = spawn(
    process.execPath,
    [
      bundle,
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
    { stdio: ['ignore', 'pipe', 'pipe'], cwd: dirname(bundle) },
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
