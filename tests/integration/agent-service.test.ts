import { chmod, mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AGENT_PROGRAM } from '#lib/agent-wire/protocol';
import { runStandaloneAgent, standaloneAgent } from '../support/agent-process.ts';

/**
 * `install` as a user runs it: the built agent in a child process, in a home of its own,
 * with a fake `systemctl` first on PATH (the process boundary) that records each call
 * and answers as systemd does where there is no user manager.
 */

/** A home, and a PATH whose `systemctl` fails for the subcommands in `failing`, recording every call. */
async function machine(failing: string[]) {
  const root = await mkdtemp(join(tmpdir(), 'agent-service-'));
  const home = join(root, 'home');
  const bin = join(root, 'bin');
  await mkdir(home);
  await mkdir(bin);
  const calls = join(root, 'systemctl-calls');
  const systemctl = join(bin, 'systemctl');
  await writeFile(
    systemctl,
    `#!/bin/sh
echo "$*" >> '${calls}'
for failing in ${failing.join(' ')}; do
  case " $* " in *" $failing "*) echo "Failed to connect to bus: No medium found" >&2; exit 1;; esac
done
exit 0
`,
  );
  await chmod(systemctl, 0o755);
  const env = { PATH: `${bin}:/usr/bin:/bin`, HOME: home };
  const flags = ['--state-dir', join(home, 'state'), '--name', 'desk'];
  const calledWith = async () =>
    (await readFile(calls, 'utf8').catch(() => '')).split('\n').filter((line) => line !== '');
  return { home, env, flags, calledWith };
}

/** Every file and directory under `dir`. */
async function everythingUnder(dir: string): Promise<string[]> {
  return (await readdir(dir, { recursive: true })).sort();
}

describe.runIf(process.platform === 'linux')('agent install where systemd has no user manager', () => {
  it('writes nothing, says so, and prints an autostart entry and the login command', async () => {
    const { home, env, flags, calledWith } = await machine(['show-environment']);
    const run = await runStandaloneAgent(['install', ...flags], env);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      'the service manager does not answer ("systemctl --user show-environment": exit 1, Failed to connect to bus',
    );
    expect(run.stderr).toContain('nothing was installed and nothing written');
    expect(await everythingUnder(home)).toEqual([]);
    expect(await calledWith()).toEqual(['--user show-environment']);
    const agent = await standaloneAgent();
    expect(run.stdout).toContain(`save these lines as ${home}/.config/autostart/${AGENT_PROGRAM}.desktop`);
    expect(run.stdout).toContain(`    Exec="${process.execPath}" "${agent}" "--broker"`);
    expect(run.stdout).toContain(`    ${process.execPath} ${agent} --broker http://localhost:3000 --state-dir`);

    const status = await runStandaloneAgent(['status', ...flags], env);
    expect(status.stdout).toMatch(/^Service: +not installed$/m);
  });

  it('takes everything back when the manager fails after the files are written', async () => {
    const { home, env, flags, calledWith } = await machine(['enable']);
    const run = await runStandaloneAgent(['install', ...flags], env);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      new RegExp(`"systemctl --user enable --now ${AGENT_PROGRAM}.service" failed \\(exit 1\\)`),
    );
    expect(run.stdout).toMatch(new RegExp(`^Removed .*${AGENT_PROGRAM}\\.service \\(install did not finish\\)$`, 'm'));
    expect(await everythingUnder(home)).toEqual([]);
    // Unregistered again: a failed enable may have left its links.
    expect(await calledWith()).toEqual([
      '--user show-environment',
      '--user daemon-reload',
      `--user enable --now ${AGENT_PROGRAM}.service`,
      `--user disable --now ${AGENT_PROGRAM}.service`,
      '--user daemon-reload',
    ]);
    const again = await runStandaloneAgent(['install', ...flags], env);
    expect(again.stderr).not.toContain('already installed');
    expect((await runStandaloneAgent(['status', ...flags], env)).stdout).toMatch(/^Service: +not installed$/m);
  });
});
