import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdtemp, readFile, realpath } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, inject } from 'vitest';
import type { CreatedUser } from '../../emulator/control-client.ts';
import { type AgentProcess, spawnAgent } from '../../local/agent-process.ts';
import { newUser, post } from './api.ts';

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

/**
 * Runs the standalone agent with `args` to completion (e.g. `status`), from its own
 * directory; `env` replaces the environment (a fake `systemctl` first on PATH, a HOME).
 */
export async function runStandaloneAgent(
  args: string[],
  env?: NodeJS.ProcessEnv,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const file = await standaloneAgent();
  return new Promise((resolve) => {
    execFile(process.execPath, [file, ...args], { cwd: dirname(file), env }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : Number(error.code), stdout, stderr });
    });
  });
}

export type { AgentProcess };

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
  return spawnAgent({
    bundle: await standaloneAgent(),
    broker: inject('apiUrl'),
    stateDir: options.stateDir ?? (await mkdtemp(join(tmpdir(), 'agent-state-'))),
    catalog: options.catalog,
    name: options.name ?? 'test-computer',
    ...(options.args === undefined ? {} : { args: options.args }),
  });
}

/** The argument lists `recordArgsProgram` wrote to `file`, one run a line (none yet: empty). */
export async function recordedArgs(file: string): Promise<string[][]> {
  const text = await readFile(file, 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as string[]);
}

/** A signed-in user, a scratch folder of real paths (macOS's /tmp is a link), and the real agent paired to that user. */
export interface Machine {
  user: CreatedUser;
  work: string;
  agent: AgentProcess;
}

/** Sets up a {@link Machine} whose agent runs the catalog `catalogIn(work)` gives. */
export async function pairedMachine(catalogIn: (work: string) => Promise<object> | object): Promise<Machine> {
  const user = await newUser();
  const work = await realpath(await mkdtemp(join(tmpdir(), 'agent-args-')));
  const agent = await startAgent({ catalog: await catalogIn(work), name: 'test-computer' });
  const [, code] = await agent.waitFor(/Pairing code: (\S+)/);
  const paired = await post('/api/agent/pair', { token: user.token, body: { code } });
  expect(paired.status).toBe(200);
  await agent.waitFor(/Paired to "[^"]+"\. Waiting for jobs\./);
  return { user, work, agent };
}
