import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isValidPublicKey } from '#lib/agent-wire/signing';
import { AgentState, SEEN_FILE, SEEN_MARGIN_MS, STATE_FILE, StateError } from '../../../agent/state.ts';
import { removeTempDirs, tempDir } from './support.ts';

const NOW = 1_800_000_000_000;
// File modes are a POSIX notion; Windows protects the state folder with the user profile's ACL.
const posixOnly = it.runIf(process.platform !== 'win32');

const registration = {
  broker_url: 'https://broker.example',
  agent_id: 'agent-1',
  broker_public_key: 'BROKER-KEY',
  paired: false,
  pairing_code: 'ABCD-1234',
  pairing_expires_at: NOW + 600_000,
  poll_interval_ms: 2_000,
};

afterEach(removeTempDirs);

describe('AgentState', () => {
  posixOnly('creates its directory 0700 and its files 0600', async () => {
    const dir = path.join(await tempDir(), 'nested', 'state');
    const state = await AgentState.open(dir, NOW);
    await state.recordSeen('job-1', NOW + 60_000, NOW);

    expect((await stat(dir)).mode & 0o777).toBe(0o700);
    expect((await stat(path.join(dir, STATE_FILE))).mode & 0o777).toBe(0o600);
    expect((await stat(path.join(dir, SEEN_FILE))).mode & 0o777).toBe(0o600);
  });

  posixOnly('tightens a directory that already existed with wider permissions', async () => {
    const dir = await tempDir();
    const { chmod } = await import('node:fs/promises');
    await chmod(dir, 0o755);
    await AgentState.open(dir, NOW);
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
  });

  it('generates a key pair once and keeps it across restarts', async () => {
    const dir = await tempDir();
    const first = await AgentState.open(dir, NOW);
    const second = await AgentState.open(dir, NOW);
    expect(isValidPublicKey(first.publicKey)).toBe(true);
    expect(second.publicKey).toBe(first.publicKey);
    expect(second.privateKey).toBe(first.privateKey);
  });

  it('keeps the registration, pins the first broker key, and marks pairing', async () => {
    const dir = await tempDir();
    const state = await AgentState.open(dir, NOW);
    await state.saveRegistration(registration);
    await state.saveRegistration({ ...registration, agent_id: 'agent-2', broker_public_key: 'OTHER-KEY' });
    await state.markPaired();

    const reopened = await AgentState.open(dir, NOW);
    expect(reopened.registrationFor('https://broker.example')).toEqual({
      ...registration,
      agent_id: 'agent-2',
      broker_public_key: 'OTHER-KEY',
      paired: true,
      pairing_code: undefined,
      pairing_expires_at: undefined,
    });
    expect(reopened.pinnedBrokerKey('https://broker.example')).toBe('BROKER-KEY');
    expect(reopened.registrationFor('https://other.example')).toBeUndefined();
  });

  it('forgets the registration and pins on reset but keeps keys and seen jobs', async () => {
    const dir = await tempDir();
    const state = await AgentState.open(dir, NOW);
    await state.saveRegistration(registration);
    await state.recordSeen('job-1', NOW + 60_000, NOW);
    await state.reset();

    const reopened = await AgentState.open(dir, NOW);
    expect(reopened.registrationFor(registration.broker_url)).toBeUndefined();
    expect(reopened.pinnedBrokerKey(registration.broker_url)).toBeUndefined();
    expect(reopened.publicKey).toBe(state.publicKey);
    expect(reopened.hasSeen('job-1')).toBe(true);
  });

  it('remembers seen job ids across restarts until well after they expire', async () => {
    const dir = await tempDir();
    const state = await AgentState.open(dir, NOW);
    await state.recordSeen('job-1', NOW + 60_000, NOW);

    expect((await AgentState.open(dir, NOW + 60_000 + SEEN_MARGIN_MS)).hasSeen('job-1')).toBe(true);
    expect((await AgentState.open(dir, NOW + 60_001 + SEEN_MARGIN_MS)).hasSeen('job-1')).toBe(false);
  });

  it('writes atomically, leaving no temporary files behind', async () => {
    const dir = await tempDir();
    const state = await AgentState.open(dir, NOW);
    await Promise.all(Array.from({ length: 20 }, (_, i) => state.recordSeen(`job-${i}`, NOW + 60_000, NOW)));

    expect((await readdir(dir)).sort()).toEqual([SEEN_FILE, STATE_FILE]);
    const seen = JSON.parse(await readFile(path.join(dir, SEEN_FILE), 'utf8'));
    expect(Object.keys(seen.jobs)).toHaveLength(20);
  });

  it('refuses a corrupt state file instead of silently starting over', async () => {
    const dir = await tempDir();
    await writeFile(path.join(dir, STATE_FILE), '{"version": 1, "public_key": ');
    await expect(AgentState.open(dir, NOW)).rejects.toThrow(StateError);
    await writeFile(path.join(dir, STATE_FILE), '{"version": 2}');
    await expect(AgentState.open(dir, NOW)).rejects.toThrow(/is not an agent state file/);
  });
});
