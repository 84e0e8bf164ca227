import { describe, expect, it } from 'vitest';
import type { BrokerSocketMessage } from '#lib/agent-wire/protocol';
import { generateSigningKeyPair } from '#lib/agent-wire/signing';
import { parseConfig } from '#lib/config';
import type { GoogleUser } from '#lib/google/identity';
import { awaitingPairing, getAgent, registerAgent } from '#lib/jobs/agents';
import { addConnection, listConnections } from '#lib/jobs/connections';
import {
  chooseComputer,
  listComputers,
  PAIRING_FAILURES_PER_HOUR,
  pairComputer,
  unpairComputer,
} from '#lib/jobs/pairing';
import type { SocketPort } from '#lib/jobs/sockets';
import { localStore } from './local-store.ts';

const store = await localStore('pairing-test');

/** The `@connections` API as far as pairing uses it: which connections the broker closed. */
const closed: string[] = [];
const sockets: SocketPort = {
  send: async () => false,
  close: async (connectionId) => {
    closed.push(connectionId);
  },
};

let count = 0;
const someone = (): GoogleUser => {
  count += 1;
  return { id: `user-${count}`, email: `u${count}@example.com` };
};
/** The deployed default (the test stack raises it, since the whole suite registers from one address). */
const REGISTRATIONS_PER_HOUR = parseConfig({}).AGENT_REGISTRATIONS_PER_HOUR;
const register = (name: string, now = Date.now(), source?: string) =>
  registerAgent(
    store,
    { name, platform: 'linux', public_key: generateSigningKeyPair().publicKey },
    now,
    source === undefined ? undefined : { source, perHour: REGISTRATIONS_PER_HOUR },
  );

describe('pairing a computer', () => {
  it('binds the agent to the user, and a repeated confirmation by the same user answers the same pairing', async () => {
    const owner = someone();
    const { agent, pairingCode } = await register('laptop');
    const paired = await pairComputer(store, sockets, owner, pairingCode.toLowerCase(), Date.now());
    expect(paired).toMatchObject({ agent_id: agent.agent_id, name: 'laptop', is_default: true });
    expect((await getAgent(store, agent.agent_id))?.user_id).toBe(owner.id);
    const again = await pairComputer(store, sockets, owner, pairingCode, Date.now());
    expect(again.agent_id).toBe(agent.agent_id);
  });

  it('never leaves a computer silently paired to the wrong account: a second account using the code unpairs it and says why', async () => {
    const [first, second] = [someone(), someone()];
    const { agent, pairingCode } = await register('contested');
    await pairComputer(store, sockets, first, pairingCode, Date.now());
    await expect(pairComputer(store, sockets, second, pairingCode, Date.now())).rejects.toMatchObject({
      kind: 'conflict',
      message: expect.stringMatching(/already used by another Google account.*unpaired.*--reset/s),
    });
    expect((await getAgent(store, agent.agent_id))?.user_id).toBeUndefined();
    expect(await listComputers(store, first.id)).toEqual([]);
    expect(await listComputers(store, second.id)).toEqual([]);
  });

  it('closes the job connections of a computer it unpairs, so its agent learns at once', async () => {
    const [owner, second] = [someone(), someone()];
    const desk = await register('desk-with-socket');
    await pairComputer(store, sockets, owner, desk.pairingCode, Date.now());
    await addConnection(store, desk.agent.agent_id, 'desk-connection', Date.now());
    await unpairComputer(store, sockets, owner, 'desk-with-socket');
    expect(closed).toContain('desk-connection');
    expect(await listConnections(store, desk.agent.agent_id, Date.now())).toEqual([]);

    // A contested code unpairs too, and closes the same way.
    const contested = await register('contested-with-socket');
    await pairComputer(store, sockets, owner, contested.pairingCode, Date.now());
    await addConnection(store, contested.agent.agent_id, 'contested-connection', Date.now());
    await expect(pairComputer(store, sockets, second, contested.pairingCode, Date.now())).rejects.toMatchObject({
      kind: 'conflict',
    });
    expect(closed).toContain('contested-connection');
    expect(await listConnections(store, contested.agent.agent_id, Date.now())).toEqual([]);
  });

  it('tells an agent waiting for its code at once, on the connection it holds; only while it waits may it connect', async () => {
    const sent: Array<[string, BrokerSocketMessage]> = [];
    const live: SocketPort = {
      send: async (connectionId, message) => {
        sent.push([connectionId, message]);
        return connectionId !== 'gone-connection';
      },
      close: async () => undefined,
    };
    const owner = someone();
    const now = Date.now();
    const { agent, pairingCode } = await register('waiting', now);
    const waiting = await getAgent(store, agent.agent_id);
    expect(waiting && awaitingPairing(waiting, now)).toBe(true);
    expect(waiting && awaitingPairing(waiting, now + 11 * 60_000)).toBe(false); // its code expired
    await addConnection(store, agent.agent_id, 'waiting-connection', now);
    await addConnection(store, agent.agent_id, 'gone-connection', now);

    await pairComputer(store, live, owner, pairingCode, now);
    expect(sent.sort()).toEqual([
      ['gone-connection', { type: 'paired', account: owner.email }],
      ['waiting-connection', { type: 'paired', account: owner.email }],
    ]);
    expect(await listConnections(store, agent.agent_id, now)).toEqual(['waiting-connection']);
    const paired = await getAgent(store, agent.agent_id);
    expect(paired?.paired_notified).toBe(true);
    expect(paired && awaitingPairing(paired, now)).toBe(false);

    // Unpaired, it is not waiting again: its connect is refused and it must register anew.
    await unpairComputer(store, live, owner, 'waiting');
    const unpaired = await getAgent(store, agent.agent_id);
    expect(unpaired?.user_id).toBeUndefined();
    expect(unpaired && awaitingPairing(unpaired, now)).toBe(false);
  });

  it('pairs even when telling the agent fails: it hears at its next collect or poll', async () => {
    const failing: SocketPort = {
      send: async () => {
        throw new Error('API Gateway is down');
      },
      close: async () => undefined,
    };
    const { agent, pairingCode } = await register('unlucky');
    await addConnection(store, agent.agent_id, 'unlucky-connection', Date.now());
    expect((await pairComputer(store, failing, someone(), pairingCode, Date.now())).name).toBe('unlucky');
    const paired = await getAgent(store, agent.agent_id);
    expect(paired?.user_id).toBeDefined();
    expect(paired?.paired_notified).toBeUndefined();
  });

  it('refuses an expired code', async () => {
    const now = Date.now();
    const { pairingCode } = await register('old', now);
    await expect(pairComputer(store, sockets, someone(), pairingCode, now + 11 * 60_000)).rejects.toMatchObject({
      kind: 'not_found',
    });
  });

  it('throttles an account guessing codes, while the owner of a real code still pairs', async () => {
    const guesser = someone();
    const now = Date.now();
    const { pairingCode } = await register('target', now);
    for (let i = 0; i < PAIRING_FAILURES_PER_HOUR; i += 1) {
      await expect(pairComputer(store, sockets, guesser, `BCDF-${'GHJKLMNPQR'[i]}XYZ`, now)).rejects.toMatchObject({
        kind: 'not_found',
      });
    }
    // Past the limit even a right guess is refused for the rest of the hour.
    await expect(pairComputer(store, sockets, guesser, pairingCode, now)).rejects.toMatchObject({
      kind: 'too_many_requests',
      details: { retry_after_seconds: expect.any(Number) },
    });
    const owner = someone();
    expect((await pairComputer(store, sockets, owner, pairingCode, now)).name).toBe('target');
  });

  it('throttles registrations from one source', async () => {
    const now = Date.now();
    for (let i = 0; i < REGISTRATIONS_PER_HOUR; i += 1) await register(`burst-${i}`, now, '203.0.113.7');
    await expect(register('one-more', now, '203.0.113.7')).rejects.toMatchObject({ kind: 'too_many_requests' });
    await expect(register('elsewhere', now, '198.51.100.2')).resolves.toBeDefined();
  });
});

describe('choosing and unpairing computers', () => {
  it('sends launches to the named computer, else the only one, else the default: never silently the newest', async () => {
    const user = someone();
    await expect(chooseComputer(store, user, undefined)).rejects.toMatchObject({ kind: 'conflict' });
    const work = await register('work');
    await pairComputer(store, sockets, user, work.pairingCode, Date.now());
    const home = await register('home');
    const second = await pairComputer(store, sockets, user, home.pairingCode, Date.now() + 1000);
    expect(second.is_default).toBe(false);
    expect((await chooseComputer(store, user, undefined)).name).toBe('work');
    expect((await chooseComputer(store, user, 'HOME')).name).toBe('home');
    expect((await chooseComputer(store, user, home.agent.agent_id)).name).toBe('home');
    await expect(chooseComputer(store, user, 'other')).rejects.toMatchObject({ kind: 'not_found' });

    // Without the default, two computers and no name is a question, not a guess.
    await unpairComputer(store, sockets, user, 'work');
    const spare = await register('spare');
    await pairComputer(store, sockets, user, spare.pairingCode, Date.now() + 2000);
    await expect(chooseComputer(store, user, undefined)).rejects.toMatchObject({
      kind: 'conflict',
      details: { paired: expect.arrayContaining([expect.objectContaining({ name: 'home' })]) },
    });
  });

  it('unpairs a computer: it leaves the list and its agent record is no longer bound', async () => {
    const user = someone();
    const { agent, pairingCode } = await register('desk');
    await pairComputer(store, sockets, user, pairingCode, Date.now());
    const removed = await unpairComputer(store, sockets, user, agent.agent_id);
    expect(removed.name).toBe('desk');
    expect(await listComputers(store, user.id)).toEqual([]);
    expect((await getAgent(store, agent.agent_id))?.user_id).toBeUndefined();
    await expect(unpairComputer(store, sockets, user, 'desk')).rejects.toMatchObject({ kind: 'not_found' });
  });

  it("cannot unpair another user's computer", async () => {
    const [owner, stranger] = [someone(), someone()];
    const { agent, pairingCode } = await register('mine');
    await pairComputer(store, sockets, owner, pairingCode, Date.now());
    await expect(unpairComputer(store, sockets, stranger, agent.agent_id)).rejects.toMatchObject({
      kind: 'not_found',
    });
    expect((await getAgent(store, agent.agent_id))?.user_id).toBe(owner.id);
  });
});
