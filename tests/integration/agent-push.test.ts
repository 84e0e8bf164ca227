import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, inject, it, vi } from 'vitest';
import WebSocket from 'ws';
import { AGENT_PATHS, BrokerSocketMessage, SOCKET_CONNECT } from '#lib/agent-wire/protocol';
import { generateSigningKeyPair, importPrivateKey, signRequest } from '#lib/agent-wire/signing';
import { callJson, DYNAMODB } from '#lib/aws/json';
import { parseConfig } from '#lib/config';
import { addConnection, listConnections } from '#lib/jobs/connections';
import { createJob, getJob } from '#lib/jobs/queue';
import { keys, queryPrefix, storeFor } from '#lib/store/table';
import type { CreatedUser } from '../../emulator/control-client.ts';
import { type AgentProcess, recordArgsProgram, recordedArgs, startAgent } from '../support/agent-process.ts';
import { get, newUser, post } from '../support/api.ts';
import { launchOutcome } from '../support/launch.ts';
import { recorderProgram } from '../support/recorder-program.ts';

/**
 * Launches through the real agent process, holding its WebSocket to serverless-offline:
 * jobs are delivered at least once and run exactly once, whatever happens to the agent
 * between the launch and the run, and signed connects and requests cannot be replayed.
 */

const config = parseConfig({ DYNAMODB_ENDPOINT: inject('dynamoEndpoint'), TABLE_NAME: inject('tableName') });
const store = storeFor(config);
const agents: AgentProcess[] = [];
afterEach(async () => {
  await Promise.all(agents.splice(0).map((agent) => agent.stop()));
});

async function run(options: { stateDir?: string; recordFile: string; args?: string[] }): Promise<AgentProcess> {
  const agent = await startAgent({
    catalog: {
      apps: {
        recorder: {
          command: recorderProgram(),
          args: [recordArgsProgram, options.recordFile],
          allow_args: 'unsafe-any',
        },
      },
    },
    ...(options.stateDir === undefined ? {} : { stateDir: options.stateDir }),
    ...(options.args === undefined ? {} : { args: options.args }),
  });
  agents.push(agent);
  return agent;
}

/** A paired agent process holding its socket, and where its recorder writes. */
async function pairedAgent(user: CreatedUser, args?: string[]) {
  const recordFile = join(await mkdtemp(join(tmpdir(), 'record-')), 'args.jsonl');
  const agent = await run({ recordFile, ...(args === undefined ? {} : { args }) });
  const [, code] = await agent.waitFor(/Pairing code: (\S+)/);
  const paired = await post(AGENT_PATHS.pair, { token: user.token, body: { code } });
  expect(paired.status).toBe(200);
  // Written to its state before it says so (it connects before the pairing, so "Connected"
  // alone does not mean it knows it is paired).
  await agent.waitFor(/Paired to "[^"]+"\. Waiting for jobs\./);
  return { agent, recordFile, code, agentId: String(paired.json.data.agent_id) };
}

/**
 * How many signed requests (socket connects and HTTP polls) the agent has made: each spends
 * one nonce, which the broker keeps for the skew window.
 */
async function signedRequests(agentId: string): Promise<number> {
  // A Scan (nonces are one partition each): no function scans, so the table's facade has none.
  const { Count } = await callJson<{ Count: number }>(
    config,
    DYNAMODB,
    'Scan',
    {
      TableName: store.table,
      FilterExpression: 'begins_with(pk, :prefix)',
      ExpressionAttributeValues: { ':prefix': { S: keys.nonce(agentId, '').pk } },
      ConsistentRead: true,
    },
    config.DYNAMODB_ENDPOINT,
  );
  return Count;
}

/** Nothing is left to deliver: the agent acknowledged or reported every job. */
async function queueIsEmpty(agentId: string): Promise<boolean> {
  // A queued job's key with no job id is the prefix every job in the agent's queue shares.
  const { pk, sk: skPrefix } = keys.queuedJob(agentId, '');
  return (await queryPrefix(store, { pk, skPrefix })).length === 0;
}

/** Waits until the job is settled and nothing is left to deliver, then returns what the recorder saw. */
async function settledRuns(jobId: string, agentId: string, recordFile: string): Promise<string[][]> {
  await vi.waitFor(
    async () => {
      expect((await getJob(store, jobId, Date.now()))?.status).toBe('launched');
      expect(await queueIsEmpty(agentId)).toBe(true);
      expect((await recordedArgs(recordFile)).length).toBeGreaterThan(0);
    },
    { timeout: 20_000, interval: 50 },
  );
  return recordedArgs(recordFile);
}

describe('launches pushed over the agent WebSocket', () => {
  it('reach a connected agent at once and run once', async () => {
    const user = await newUser();
    const { agent, recordFile, agentId } = await pairedAgent(user);
    await agent.waitFor(/Connected to ws:/);
    const answer = await post('/api/app/launch', { token: user.token, body: { app_name: 'recorder', args: ['push'] } });
    expect((await launchOutcome(answer, user.token)).data.status).toBe('launched');
    expect(await settledRuns(answer.json.data.job_id, agentId, recordFile)).toEqual([['push']]);
    // The same push when ChatGPT's tool call goes through call_tool.
    const viaTool = await post('/api/chatgpt/call', {
      token: user.token,
      body: { name: 'launch_app', arguments: JSON.stringify({ app_name: 'recorder', args: ['tool'], agent: null }) },
    });
    expect((await launchOutcome(viaTool, user.token)).data.status).toBe('launched');
    await vi.waitFor(async () => expect(await recordedArgs(recordFile)).toEqual([['push'], ['tool']]), {
      timeout: 10_000,
      interval: 50,
    });
  });

  it('tell an agent waiting for its code that it is paired over the connection it holds: no poll, and the first launch is pushed', async () => {
    const user = await newUser();
    const recordFile = join(await mkdtemp(join(tmpdir(), 'record-')), 'args.jsonl');
    const agent = await run({ recordFile });
    const [, code] = await agent.waitFor(/Pairing code: (\S+)/);
    await agent.waitFor(/Connected to ws:\S+; waiting for the pairing code to be confirmed\./);
    const paired = await post(AGENT_PATHS.pair, { token: user.token, body: { code } });
    expect(paired.status).toBe(200);
    const agentId = String(paired.json.data.agent_id);
    await agent.waitFor(new RegExp(`Paired to "${user.email}"\\. Waiting for jobs\\.`));
    // Its only signed request was the socket's connect: it heard of the pairing on the
    // socket, not from a poll (it would poll every 2 s while waiting otherwise).
    expect(await signedRequests(agentId)).toBe(1);

    const answer = await post('/api/app/launch', {
      token: user.token,
      body: { app_name: 'recorder', args: ['first'] },
    });
    expect((await launchOutcome(answer, user.token)).data.status).toBe('launched');
    expect(await settledRuns(answer.json.data.job_id, agentId, recordFile)).toEqual([['first']]);
    expect(await signedRequests(agentId)).toBe(1);
    expect(agent.output()).not.toMatch(/Reconnected/);
  });

  it('tell an agent that connected only after its code was confirmed, at its first collect', async () => {
    const user = await newUser();
    const keys = generateSigningKeyPair();
    const registered = await post(AGENT_PATHS.register, {
      body: { name: 'late-connect', platform: 'linux', public_key: keys.publicKey },
    });
    const agentId = String(registered.json.agent_id);
    expect(
      (await post(AGENT_PATHS.pair, { token: user.token, body: { code: registered.json.pairing_code } })).status,
    ).toBe(200);
    const socket = new WebSocket(inject('socketUrl'), {
      headers: { ...signRequest({ ...SOCKET_CONNECT, body: '', timestamp: Date.now(), agentId }, keys.privateKey) },
    });
    const messages: unknown[] = [];
    socket.on('message', (data) => messages.push(BrokerSocketMessage.parse(JSON.parse(String(data)))));
    await new Promise((resolve) => socket.once('open', resolve));
    socket.send(JSON.stringify({ action: 'collect' }));
    await vi.waitFor(() => expect(messages).toHaveLength(2), { timeout: 10_000, interval: 20 });
    expect(messages).toEqual([{ type: 'paired', account: user.email }, expect.objectContaining({ type: 'collected' })]);
    // Told once: the next collect is only answered.
    socket.send(JSON.stringify({ action: 'collect' }));
    await vi.waitFor(() => expect(messages).toHaveLength(3), { timeout: 10_000, interval: 20 });
    expect(messages[2]).toMatchObject({ type: 'collected' });
    socket.close();
  });

  it('run exactly once when the agent was killed while idle and restarted at once', async () => {
    const user = await newUser();
    const first = await pairedAgent(user);
    await first.agent.waitFor(/Connected to ws:/);
    await first.agent.stop(); // SIGKILL: no goodbye, the broker may still hold its connection
    const again = await run({ stateDir: first.agent.stateDir, recordFile: first.recordFile });

    const answer = await post('/api/app/launch', {
      token: user.token,
      body: { app_name: 'recorder', args: ['after kill'] },
    });
    expect((await launchOutcome(answer, user.token)).data.status).toBe('launched');
    expect(await settledRuns(answer.json.data.job_id, first.agentId, first.recordFile)).toEqual([['after kill']]);
    expect(again.output()).not.toMatch(/Pairing code/);
  });

  it('run exactly once when the agent was offline at launch and is back within the job minute', async () => {
    const user = await newUser();
    const first = await pairedAgent(user);
    await first.agent.waitFor(/Connected to ws:/);
    await first.agent.stop();
    await vi.waitFor(async () => expect(await listConnections(store, first.agentId, Date.now())).toEqual([]), {
      timeout: 10_000,
      interval: 50,
    });

    // A connection the broker never heard close (on AWS, a network that vanished): the push
    // to it finds it gone, drops it, and the job stays queued.
    await addConnection(store, first.agentId, 'vanished-connection', Date.now());
    const answer = await post('/api/app/launch', { token: user.token, body: { app_name: 'recorder', args: ['late'] } });
    expect(answer.status).toBe(202);
    expect(answer.json.data.status).toBe('pending');
    expect(await listConnections(store, first.agentId, Date.now())).toEqual([]);
    expect(await queueIsEmpty(first.agentId)).toBe(false);
    expect(await recordedArgs(first.recordFile)).toEqual([]);

    await run({ stateDir: first.agent.stateDir, recordFile: first.recordFile });
    expect(await settledRuns(answer.json.data.job_id, first.agentId, first.recordFile)).toEqual([['late']]);
    const status = await get(`/api/app/jobs/${answer.json.data.job_id}`, { token: user.token });
    expect(status.json.data.status).toBe('launched');
  });

  it('run once and report again when the same job is delivered a second time', async () => {
    const user = await newUser();
    const { agent, recordFile, agentId } = await pairedAgent(user);
    await agent.waitFor(/Connected to ws:/);
    const [connectionId] = await listConnections(store, agentId, Date.now());
    expect(connectionId).toBeDefined();
    // The job exactly as launch_app makes it, then delivered twice on the live connection,
    // as happens when an ack is lost and the lease ends.
    const { record, job } = await createJob(
      store,
      importPrivateKey(inject('jobSigningKey')),
      { userId: 'u', agentId, agentName: 'test-computer', app: 'recorder', args: ['twice'] },
      Date.now(),
    );
    const push = () =>
      fetch(`${inject('managementUrl')}/@connections/${connectionId}`, {
        method: 'POST',
        body: JSON.stringify({ type: 'job', job }),
      });
    expect((await push()).ok).toBe(true);
    await settledRuns(record.job_id, agentId, recordFile);
    expect((await push()).ok).toBe(true);
    await agent.waitFor(new RegExp(`Job ${record.job_id} was delivered again; reporting its result again`));
    expect(await recordedArgs(recordFile)).toEqual([['twice']]);
    expect((await getJob(store, record.job_id, Date.now()))?.status).toBe('launched');
  });

  it('tell a connected agent at once when its computer is unpaired: its connection is closed', async () => {
    const user = await newUser();
    const { agent, agentId } = await pairedAgent(user);
    await agent.waitFor(/Connected to ws:/);
    expect(await listConnections(store, agentId, Date.now())).toHaveLength(1);
    const unpaired = await post('/api/agent/unpair', { token: user.token, body: { computer: agentId } });
    expect(unpaired.status).toBe(200);
    expect(await listConnections(store, agentId, Date.now())).toEqual([]);
    // Not two hours later, when the connection would have ended: the agent reconnects at once,
    // is refused, asks why, and gets a new code.
    await agent.waitFor(/no longer paired/, 15_000);
    await agent.waitFor(/Pairing code: \S+[\s\S]*Pairing code: \S+/, 15_000);
  });

  it('tell a connected agent at once when a second account used its code and unpaired it', async () => {
    const owner = await newUser();
    const { agent, agentId, code } = await pairedAgent(owner);
    await agent.waitFor(/Connected to ws:/);
    const contested = await post(AGENT_PATHS.pair, { token: (await newUser()).token, body: { code } });
    expect(contested.status).toBe(409);
    expect(await listConnections(store, agentId, Date.now())).toEqual([]);
    await agent.waitFor(/no longer paired/, 15_000);
  });

  it('reach an agent that cannot hold a WebSocket through the HTTP poll, once', async () => {
    const user = await newUser();
    const { agent, recordFile, agentId } = await pairedAgent(user, ['--transport', 'poll']);
    const answer = await post('/api/app/launch', { token: user.token, body: { app_name: 'recorder', args: ['poll'] } });
    expect(await settledRuns(answer.json.data.job_id, agentId, recordFile)).toEqual([['poll']]);
    expect(agent.output()).not.toMatch(/Connected to ws:/);
  });
});

describe('signed agent connects and requests', () => {
  async function pairedKeys() {
    const user = await newUser();
    const keys = generateSigningKeyPair();
    const registered = await post(AGENT_PATHS.register, {
      body: { name: 'replay-probe', platform: 'linux', public_key: keys.publicKey },
    });
    await post(AGENT_PATHS.pair, { token: user.token, body: { code: registered.json.pairing_code } });
    return { agentId: String(registered.json.agent_id), privateKey: keys.privateKey };
  }

  /** Opens a socket with the given headers: 'open', or the HTTP status it was refused with. */
  function connect(headers: Record<string, string>): Promise<{ outcome: number | 'open'; socket: WebSocket }> {
    const socket = new WebSocket(inject('socketUrl'), { headers });
    return new Promise((resolve, reject) => {
      socket.once('open', () => resolve({ outcome: 'open', socket }));
      socket.once('unexpected-response', (_request, response) =>
        resolve({ outcome: response.statusCode ?? 0, socket }),
      );
      socket.once('error', reject);
    });
  }

  it('refuse a replayed connect, and accept a fresh one', async () => {
    const { agentId, privateKey } = await pairedKeys();
    const headers = { ...signRequest({ ...SOCKET_CONNECT, body: '', timestamp: Date.now(), agentId }, privateKey) };
    const first = await connect(headers);
    expect(first.outcome).toBe('open');
    // The connection works: collect is answered with the broker's clock (after `paired`: the
    // agent connected after its code was confirmed, so it is told now).
    const answer = new Promise<unknown>((resolve) =>
      first.socket.on('message', (data) => {
        const message = BrokerSocketMessage.parse(JSON.parse(String(data)));
        if (message.type === 'collected') resolve(message);
      }),
    );
    first.socket.send(JSON.stringify({ action: 'collect' }));
    expect(await answer).toMatchObject({ type: 'collected', queued: 0 });

    const replayed = await connect(headers);
    expect(replayed.outcome).toBe(401);
    const fresh = await connect({
      ...signRequest({ ...SOCKET_CONNECT, body: '', timestamp: Date.now(), agentId }, privateKey),
    });
    expect(fresh.outcome).toBe('open');
    first.socket.close();
    fresh.socket.close();
  });

  it('refuse a replayed request with the reason, and accept a fresh one', async () => {
    const { agentId, privateKey } = await pairedKeys();
    const body = '{}';
    const headers = signRequest(
      { method: 'POST', path: AGENT_PATHS.poll, body, timestamp: Date.now(), agentId },
      privateKey,
    );
    expect((await post(AGENT_PATHS.poll, { rawBody: body, headers: { ...headers } })).status).toBe(200);
    const replayed = await post(AGENT_PATHS.poll, { rawBody: body, headers: { ...headers } });
    expect(replayed.status).toBe(401);
    expect(replayed.json.error.details.reason).toBe('replayed');
    const fresh = signRequest(
      { method: 'POST', path: AGENT_PATHS.poll, body, timestamp: Date.now(), agentId },
      privateKey,
    );
    expect((await post(AGENT_PATHS.poll, { rawBody: body, headers: { ...fresh } })).status).toBe(200);
  });
});
