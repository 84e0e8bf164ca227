import { existsSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { CreatedUser } from '../../emulator/control-client.ts';
import { type Machine, pairedMachine, runStandaloneAgent } from '../support/agent-process.ts';
import { post } from '../support/api.ts';
import { launchOutcome } from '../support/launch.ts';

/**
 * Security review finding F3: an `allow_args: true` entry for `flock` ran
 * `flock <lock> -c "id > <file>"`, a shell command chosen by whoever talked ChatGPT into
 * the launch. The real agent (the built bundle, as users run it), paired through the API.
 */

/** flock from util-linux, on every Linux this agent supports. */
const FLOCK = ['/usr/bin/flock', '/bin/flock'].find((file) => existsSync(file)) ?? '/usr/bin/flock';

async function launchAs(user: CreatedUser, app_name: string, args: string[]) {
  return launchOutcome(await post('/api/app/launch', { token: user.token, body: { app_name, args } }), user.token);
}

describe.runIf(process.platform === 'linux')("the security review's flock entry (F3)", () => {
  let machine: Machine;
  // The review's entry, as an installed agent's config still has it.
  beforeAll(async () => {
    machine = await pairedMachine(() => ({ apps: { lock: { command: FLOCK, allow_args: true } } }));
  });
  afterAll(() => machine?.agent.stop());

  it('is refused its shell command, runs nothing, and the agent says how to migrate', async () => {
    const { user, work, agent } = machine;
    const lockFile = join(work, 'lock');
    const shellOutput = join(work, 'id.txt');
    await writeFile(lockFile, '');
    const outcome = await launchAs(user, 'lock', [lockFile, '-c', `id > ${shellOutput}`]);
    expect(existsSync(shellOutput)).toBe(false);
    expect(outcome).toMatchObject({
      success: false,
      data: {
        status: 'refused',
        reason: expect.stringMatching(/args_refused: apps\.lock: allow_args true .* no longer accepted.*"words"/),
      },
    });
    // And the agent said so when it started, where a service's log keeps it.
    expect(agent.output()).toMatch(/Warning: apps\.lock: allow_args true \(any text\) is no longer accepted/);
  });

  it('keeps the agent from starting when flock takes arguments in any of the new forms', async () => {
    const { work } = machine;
    const stateDir = await mkdtemp(join(tmpdir(), 'agent-state-'));
    for (const allow_args of ['unsafe-any', 'words', { files: [work] }]) {
      const config = join(work, 'flock.json');
      await writeFile(config, JSON.stringify({ apps: { lock: { command: FLOCK, allow_args } } }));
      const run = await runStandaloneAgent(['--config', config, '--state-dir', stateDir, '--broker', inject('apiUrl')]);
      expect(run.code).toBe(3);
      expect(run.stderr).toMatch(/apps\.lock\.command: "flock" may not take caller arguments \(allow_args\): runs/);
      expect(run.stdout).not.toMatch(/Pairing code/);
    }
  });
});
