import { afterEach, describe, expect, it } from 'vitest';
import { checkRegisteredName } from '../../../agent/registered-name.ts';
import { AgentState } from '../../../agent/state.ts';
import { removeTempDirs, tempDir } from './support.ts';

afterEach(removeTempDirs);

const BROKER = 'https://broker.example/prod';

/** What the agent's start checks, for a computer in `stateDir` run with `--name name`. */
function check(stateDir: string, name: string, extra: { nameGiven?: boolean; reset?: boolean } = {}) {
  return checkRegisteredName({
    stateDir,
    brokerUrl: BROKER,
    name,
    nameGiven: extra.nameGiven ?? true,
    reset: extra.reset ?? false,
    now: Date.now(),
  });
}

/** Registers the computer in `stateDir`, as the agent's loop does once the broker answers. */
async function register(stateDir: string): Promise<void> {
  const state = await AgentState.open(stateDir, Date.now());
  await state.saveRegistration({
    broker_url: BROKER,
    agent_id: 'agent-1',
    broker_public_key: 'key',
    paired: true,
    poll_interval_ms: 5_000,
  });
}

describe('--name on a registered computer', () => {
  it('says a new name is not applied, why, and how to get it', async () => {
    const stateDir = await tempDir();
    expect(await check(stateDir, 'desk')).toBeUndefined();
    await register(stateDir);
    expect(await check(stateDir, 'desk')).toBeUndefined();
    expect(await check(stateDir, 'kitchen')).toBe(
      `--name "kitchen" is not applied: this computer is already registered with ${BROKER} as "desk", ` +
        'and the broker cannot rename a registered computer. To use the new name, run once with --reset and pair ' +
        'again (then unpair the old entry in ChatGPT).',
    );
    // A default host name was nobody's choice: no notice.
    expect(await check(stateDir, 'host-1', { nameGiven: false })).toBeUndefined();
  });

  it('takes the new name with --reset, which registers again', async () => {
    const stateDir = await tempDir();
    await check(stateDir, 'desk');
    await register(stateDir);
    expect(await check(stateDir, 'kitchen', { reset: true })).toBeUndefined();
    await register(stateDir);
    expect(await check(stateDir, 'kitchen')).toBeUndefined();
    expect(await check(stateDir, 'desk')).toMatch(/^--name "desk" is not applied: .* as "kitchen"/);
  });

  it('says so without the old name for a computer registered by an earlier agent', async () => {
    const stateDir = await tempDir();
    await register(stateDir);
    expect(await check(stateDir, 'kitchen')).toBe(
      `--name "kitchen" is not applied: this computer is already registered with ${BROKER}, ` +
        'and the broker cannot rename a registered computer. To use the new name, run once with --reset and pair ' +
        'again (then unpair the old entry in ChatGPT).',
    );
  });
});
