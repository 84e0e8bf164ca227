import { describe, expect, it } from 'vitest';
import { AGENT_PROGRAM } from '#lib/agent-wire/protocol';
import packageJson from '../../package.json' with { type: 'json' };
import { runStandaloneAgent } from '../support/agent-process.ts';

describe('the one-file agent (dist/agent/agent.mjs)', () => {
  it('runs with nothing but Node from a directory outside the repository', async () => {
    expect(await runStandaloneAgent(['--version'])).toEqual({
      code: 0,
      stdout: `${packageJson.version}\n`,
      stderr: '',
    });
    const help = await runStandaloneAgent(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(new RegExp(`^Usage: ${AGENT_PROGRAM} \\[command\\] \\[options\\]`));
    expect(help.stdout).toMatch(/install +Install it as a per-user service/);
  });
});
