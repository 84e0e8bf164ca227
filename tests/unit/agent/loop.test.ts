import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { AGENT_NAME_MAX } from '#lib/agent-wire/protocol';
import { generateSigningKeyPair, REQUEST_SKEW_MS } from '#lib/agent-wire/signing';
import type { SpawnPort } from '../../../agent/launcher.ts';
import {
  type AgentOptions,
  Backoff,
  BrokerKeyChangedError,
  RegistrationRefusedError,
  runAgent,
} from '../../../agent/loop.ts';
import { FakeBroker } from './fake-broker.ts';
import { Lines, PLATFORM, recordedLines, recorderCatalog, removeTempDirs, tempDir, watchedSpawn } from './support.ts';

let broker: FakeBroker;
let stateDir: string;
let recordFile: string;
let spawn: ReturnType<typeof watchedSpawn>;

beforeEach(async () => {
  broker = await new FakeBroker().start();
  stateDir = await tempDir();
  recordFile = path.join(await tempDir(), 'record.jsonl');
  spawn = watchedSpawn();
});

afterEach(async () => {
  await broker.stop();
  await spawn.exited();
  await removeTempDirs();
});

/** Starts the agent loop against the fake broker; its sleeps return at once and are recorded. */
function startAgent(overrides: Partial<AgentOptions> = {}) {
  const controller = new AbortController();
  const out = new Lines();
  const log = new Lines();
  const sleeps: number[] = [];
  const run = runAgent(
    {
      brokerUrl: broker.url,
      stateDir,
      name: 'test-pc',
      platform: PLATFORM,
      catalog: recorderCatalog(recordFile),
      log: log.push,
      out: out.push,
      spawn,
      random: () => 0.5,
      sleep: async (ms) => {
        sleeps.push(ms);
      },
      ...overrides,
    },
    controller.signal,
  );
  return { controller, out, log, sleeps, run };
}

/** A WebSocket server standing in for the broker's: it answers every message as a `collect`. */
async function collectAnsweringSocket() {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await once(server, 'listening');
  server.on('connection', (socket) => {
    socket.on('message', () => socket.send(JSON.stringify({ type: 'collected', server_time: Date.now(), queued: 0 })));
  });
  return { server, socketUrl: `ws://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

async function pairedAgent() {
  const agent = startAgent({ once: true });
  const codeLine = await agent.out.waitFor(/^Pairing code: /);
  broker.pair(codeLine.slice('Pairing code: '.length));
  await agent.log.waitFor(/^Paired\./);
  return agent;
}

describe('runAgent', () => {
  it('registers, shows the pairing code once, and after pairing runs one job and reports it', async () => {
    const agent = startAgent({ once: true });
    const codeLine = await agent.out.waitFor(/^Pairing code: /);
    expect(codeLine).toBe('Pairing code: CODE-1');
    expect(agent.log.all.join('\n')).toContain('Say "pair my computer, code CODE-1" to ChatGPT');
    expect(broker.registrations).toEqual([{ name: 'test-pc', platform: PLATFORM, public_key: expect.any(String) }]);

    broker.pair('CODE-1');
    const job = broker.enqueue('agent-1', { args: ['hello', '$(whoami)'] });

    await expect(agent.run).resolves.toEqual({ reason: 'once' });
    await spawn.exited();
    expect(recordedLines(recordFile)).toEqual([['hello', '$(whoami)']]);
    expect(broker.results).toEqual([
      { agentId: 'agent-1', job_id: job.job_id, status: 'launched', pid: expect.any(Number) },
    ]);
    expect(agent.out.all).toEqual([
      'Pairing code: CODE-1',
      expect.stringMatching(/^launched recorder \(job .*, pid \d+\)$/),
    ]);
  });

  it('keeps its registration across restarts: no new pairing', async () => {
    const first = await pairedAgent();
    broker.enqueue('agent-1');
    await first.run;

    const second = startAgent({ once: true });
    broker.enqueue('agent-1', { args: ['again'] });
    await second.run;
    expect(broker.registrations).toHaveLength(1);
    expect(second.out.all).toEqual([expect.stringMatching(/^launched recorder/)]);
  });

  it('reports a refused job as refused and spawns nothing', async () => {
    const agent = await pairedAgent();
    const forged = broker.enqueue('agent-1', {}, generateSigningKeyPair().privateKey);
    await agent.run;
    expect(broker.results).toEqual([
      {
        agentId: 'agent-1',
        job_id: forged.job_id,
        status: 'refused',
        message: 'bad_signature: job signature does not verify with the pinned broker key',
      },
    ]);
    expect(spawn.calls).toEqual([]);
  });

  it('registers again with a clear message when the broker no longer knows the agent', async () => {
    const agent = startAgent();
    await agent.out.waitFor(/^Pairing code: CODE-1$/);
    broker.forgetAgents();

    await agent.out.waitFor(/^Pairing code: CODE-2$/);
    expect(agent.log.all.join('\n')).toMatch(/The broker does not know this agent \(\/api\/agent\/poll answered 404/);
    agent.controller.abort();
    await expect(agent.run).resolves.toEqual({ reason: 'stopped' });
  });

  it('does not re-register when the broker calls its requests stale: it asks for the clock to be fixed', async () => {
    broker.failNextPolls.push({ status: 401, reason: 'stale_timestamp' });
    const agent = startAgent();
    await agent.log.waitFor(/refused this agent's request as stale\. .*Set the system clock/);
    broker.pair('CODE-1');
    await agent.log.waitFor(/^Paired\./);
    expect(broker.registrations).toHaveLength(1);
    agent.controller.abort();
    await agent.run;
  });

  it("notices from the broker's answers that this computer's clock is off, and says so once, plainly", async () => {
    // Inside the broker's window (its requests still pass), yet far enough to refuse fresh jobs as not yet valid.
    const agent = startAgent({ now: () => Date.now() - 30_000 });
    await agent.out.waitFor(/^Pairing code: /);
    const notice = await agent.log.waitFor(/clock is about/);
    expect(notice).toMatch(
      new RegExp(
        `^This computer's clock is about (29|30|31) s behind the broker's\\. The broker refuses agent requests more than ${REQUEST_SKEW_MS / 1000} s off`,
      ),
    );
    broker.pair('CODE-1');
    await agent.log.waitFor(/^Paired\./);
    expect(agent.log.all.filter((line) => line.includes('clock is about'))).toHaveLength(1);
    agent.controller.abort();
    await agent.run;
  });

  it('stops with a clear error when the broker presents a different signing key', async () => {
    const agent = startAgent();
    await agent.out.waitFor(/^Pairing code: /);
    broker.keys = generateSigningKeyPair();
    broker.forgetAgents();
    await expect(agent.run).rejects.toThrow(BrokerKeyChangedError);
    await expect(agent.run).rejects.toThrow(/run again with --reset/);
  });

  it('stops instead of retrying when the broker refuses the registration itself', async () => {
    const agent = startAgent({ name: 'n'.repeat(AGENT_NAME_MAX + 1) });
    await expect(agent.run).rejects.toThrow(RegistrationRefusedError);
    await expect(agent.run).rejects.toThrow(`name: must be at most ${AGENT_NAME_MAX} characters`);
    expect(agent.sleeps).toEqual([]);
    expect(broker.registrations).toEqual([]);
  });

  it('gets a new code when the pairing code expires', async () => {
    await broker.stop();
    broker = await new FakeBroker({ pairingTtlMs: 0 }).start();
    const agent = startAgent();
    await agent.out.waitFor(/^Pairing code: CODE-2$/);
    expect(agent.log.all).toContain('The pairing code expired; getting a new one.');
    agent.controller.abort();
    await agent.run;
  });

  it('retries a failing broker with jittered doubling backoff and never gives up', async () => {
    broker.failNextPolls.push(500, 502, 503);
    const agent = startAgent({ random: () => 0.5 });
    await agent.out.waitFor(/^Pairing code: /);
    await agent.log.waitFor(/^Poll failed: .*503/);
    // The first successful poll after the failures comes back "unpaired"; pair to see it recover.
    broker.pair('CODE-1');
    await agent.log.waitFor(/^Paired\./);

    expect(agent.sleeps.slice(0, 3)).toEqual([1_000, 2_000, 4_000]);
    expect(agent.log.all).toContain('Poll failed: /api/agent/poll answered 500: injected failure; retrying in 1.0 s.');
    agent.controller.abort();
    await expect(agent.run).resolves.toEqual({ reason: 'stopped' });
  });

  it('backs off when its WebSocket connects are throttled (429), without asking over HTTP each time', async () => {
    // A WebSocket stage at its $connect limit answers the upgrade with 429.
    const throttled = new WebSocketServer({
      host: '127.0.0.1',
      port: 0,
      verifyClient: (_info, refuse) => refuse(false, 429),
    });
    await once(throttled, 'listening');
    await broker.stop();
    broker = await new FakeBroker({ socketUrl: `ws://127.0.0.1:${(throttled.address() as AddressInfo).port}` }).start();
    const agent = startAgent({ random: () => 0.5 });
    const codeLine = await agent.out.waitFor(/^Pairing code: /);
    broker.pair(codeLine.slice('Pairing code: '.length));
    await agent.log.waitFor(/polling every .* instead/);
    agent.controller.abort();
    await agent.run;
    throttled.close();

    // Doubling delays, then HTTP polls for a while: never a poll (and a reset backoff) per refusal.
    expect(agent.log.all.filter((line) => /job connection/.test(line))).toEqual([
      'Cannot open the job connection: the broker refused the job connection (HTTP 429); retrying in 1.0 s.',
      'Cannot open the job connection: the broker refused the job connection (HTTP 429); retrying in 2.0 s.',
      'Cannot open the job connection (the broker refused the job connection (HTTP 429)); polling every 5.0 s instead, and trying the connection again in 10 min.',
    ]);
  });

  it('waits for its code on the WebSocket: hears it was paired there, and ends the wait when the code expires', async () => {
    // The test says `paired` on the socket, as the broker does when the user confirms the
    // code; the fake broker's own polls would never say so.
    const { server, socketUrl } = await collectAnsweringSocket();
    await broker.stop();
    broker = await new FakeBroker({ socketUrl, pairingTtlMs: 60_000 }).start();
    const agent = startAgent();
    await agent.log.waitFor(/waiting for the pairing code to be confirmed\.$/);
    for (const client of server.clients) client.send(JSON.stringify({ type: 'paired', account: 'owner@example.com' }));
    await agent.log.waitFor(/^Paired to "owner@example\.com"\. Waiting for jobs\./);
    agent.controller.abort();
    await expect(agent.run).resolves.toEqual({ reason: 'stopped' });

    // Never confirmed: the hold ends with the code, and one poll says to get a new one.
    await broker.stop();
    broker = await new FakeBroker({ socketUrl, pairingTtlMs: 1_500 }).start();
    const expiring = startAgent({ reset: true });
    await expiring.log.waitFor(/waiting for the pairing code to be confirmed\.$/);
    await expiring.out.waitFor(/^Pairing code: CODE-2$/);
    expect(expiring.log.all).toContain('The pairing code expired; getting a new one.');
    expiring.controller.abort();
    await expiring.run;
    server.close();
  });

  it('asks over HTTP once when its connection drops while it waits for its code (a paired notice may have died with it)', async () => {
    const { server, socketUrl } = await collectAnsweringSocket();
    await broker.stop();
    broker = await new FakeBroker({ socketUrl }).start();
    const agent = startAgent();
    const codeLine = await agent.out.waitFor(/^Pairing code: /);
    await agent.log.waitFor(/waiting for the pairing code to be confirmed\.$/);
    // Confirmed, and the connection dies before the agent hears it there: only a poll says so.
    broker.pair(codeLine.slice('Pairing code: '.length));
    for (const client of server.clients) client.terminate();
    await agent.log.waitFor(/^Paired/);
    agent.controller.abort();
    await agent.run;
    server.close();
  });

  it('stops polling at once when the signal aborts, even mid long-poll', async () => {
    await broker.stop();
    broker = await new FakeBroker({ holdMs: 15_000 }).start();
    const agent = startAgent();
    await agent.out.waitFor(/^Pairing code: /);
    const stoppedAt = Date.now();
    agent.controller.abort();
    await expect(agent.run).resolves.toEqual({ reason: 'stopped' });
    expect(Date.now() - stoppedAt).toBeLessThan(2_000);
  });

  it('lets a job that arrived before the stop finish and be reported', async () => {
    let agent: ReturnType<typeof startAgent> | undefined;
    const stopDuringLaunch: SpawnPort = (command, args, options) => {
      agent?.controller.abort();
      return spawn(command, args, options);
    };
    agent = startAgent({ spawn: stopDuringLaunch });
    broker.pair((await agent.out.waitFor(/^Pairing code: /)).slice('Pairing code: '.length));
    const job = broker.enqueue('agent-1', { args: ['last one'] });

    await expect(agent.run).resolves.toEqual({ reason: 'stopped' });
    await spawn.exited();
    expect(broker.results).toMatchObject([{ job_id: job.job_id, status: 'launched' }]);
    expect(recordedLines(recordFile)).toEqual([['last one']]);
  });
});

describe('Backoff', () => {
  it('doubles from 1 s to a 60 s cap with (0.5 + random) jitter, and resets', () => {
    const low = new Backoff(() => 0);
    expect([low.next(), low.next(), low.next()]).toEqual([500, 1_000, 2_000]);
    const high = new Backoff(() => 0.999);
    const delays = Array.from({ length: 9 }, () => high.next());
    expect(delays.slice(0, 3)).toEqual([1_499, 2_998, 5_996]);
    expect(delays.at(-1)).toBe(60_000);
    expect(Math.max(...delays)).toBe(60_000);
    high.reset();
    expect(high.next()).toBe(1_499);
  });
});
