import { randomBytes } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { AGENT_PROGRAM, type AgentPlatform } from '#lib/agent-wire/protocol';
import { generateSigningKeyPair, importPrivateKey, signRequest } from '#lib/agent-wire/signing';
import { parseConfig } from '#lib/config';
import { SCOPES } from '#lib/google/scopes';
import { PAIRING_CODE_TTL_MS, registerAgent } from '#lib/jobs/agents';
import { pushJob } from '#lib/jobs/delivery';
import { createJob } from '#lib/jobs/queue';
import { socketsFor } from '#lib/jobs/sockets';
import { storeFor } from '#lib/store/table';
import { builtInEntries } from '../../agent/catalog.ts';
import { agentPlatform } from '../../agent/cli.ts';
import type { CreatedUser } from '../../emulator/control-client.ts';
import {
  type AgentProcess,
  recordArgsProgram,
  recordedArgs,
  runStandaloneAgent,
  startAgent,
} from '../support/agent-process.ts';
import { emulator, get, newUser, post } from '../support/api.ts';
import { launchOutcome } from '../support/launch.ts';
import { recorderProgram } from '../support/recorder-program.ts';

/** The broker's table and agents' sockets, reached through lib's own code so items keep the layout it reads. */
const config = parseConfig({
  DYNAMODB_ENDPOINT: inject('dynamoEndpoint'),
  TABLE_NAME: inject('tableName'),
  WEBSOCKET_MANAGEMENT_URL: inject('managementUrl'),
});
const store = storeFor(config);
const sockets = socketsFor(config);

/** A computer registered through the API as the agent registers, with a fresh key pair: the keys and the answer. */
async function registerComputer(name: string, platform: AgentPlatform = 'linux') {
  const keys = generateSigningKeyPair();
  const registered = await post('/api/agent/register', { body: { name, platform, public_key: keys.publicKey } });
  return { keys, registered };
}

describe('launching an app through a paired agent', () => {
  let user: CreatedUser;
  let agent: AgentProcess;
  let recordFile: string;
  let agentId: string;

  beforeAll(async () => {
    user = await newUser();
    recordFile = join(await mkdtemp(join(tmpdir(), 'record-')), 'args.jsonl');
    agent = await startAgent({
      catalog: {
        apps: {
          recorder: { command: recorderProgram(), args: [recordArgsProgram, recordFile], allow_args: 'unsafe-any' },
        },
      },
      name: 'work-laptop',
    });
    const [, code] = await agent.waitFor(/Pairing code: (\S+)/);
    const paired = await post('/api/agent/pair', { token: user.token, body: { code } });
    expect(paired.status).toBe(200);
    expect(paired.json.data).toMatchObject({ name: 'work-laptop', platform: expect.any(String) });
    agentId = paired.json.data.agent_id;
    // The agent says which account it was paired to, so a wrong one is noticed at once.
    const [, account] = await agent.waitFor(/Paired to "([^"]+)"\. Waiting for jobs\./);
    expect(account).toBe(user.email);
    await agent.waitFor(/Connected to ws:/);
  });
  afterAll(() => agent?.stop());

  it('runs the catalog program exactly once with the given arguments and says so', async () => {
    const args = ['hello world', '; rm -rf ~', '$(whoami)', '`id`', '| cat /etc/passwd', 'it\'s "quoted"'];
    const answer = await post('/api/app/launch', { token: user.token, body: { app_name: 'recorder', args } });
    expect(await launchOutcome(answer, user.token)).toMatchObject({
      success: true,
      data: { status: 'launched', app: 'recorder', agent_name: 'work-laptop', agent_id: agentId },
    });
    // The program records after it starts: wait for its line, then check it ran once.
    await vi.waitFor(async () => expect((await recordedArgs(recordFile)).length).toBeGreaterThan(0), {
      timeout: 5_000,
    });
    expect(await recordedArgs(recordFile)).toEqual([args]);
    const status = await get(`/api/app/jobs/${answer.json.data.job_id}`, { token: user.token });
    expect(status.json.data.status).toBe('launched');
  });

  it("answers a clear failure for an app outside the agent's catalog, and runs nothing", async () => {
    const before = (await recordedArgs(recordFile)).length;
    const answer = await post('/api/app/launch', { token: user.token, body: { app_name: 'not-in-catalog' } });
    expect(await launchOutcome(answer, user.token)).toMatchObject({
      success: false,
      data: { status: 'refused', reason: expect.stringMatching(/catalog/i) },
    });
    expect((await recordedArgs(recordFile)).length).toBe(before);
  });

  // After the two tests above: the last job is the refused one.
  it('answers "status" with the broker, the pairing, the connection, the catalog and the last job', async () => {
    const { code, stdout } = await runStandaloneAgent(['status', '--state-dir', agent.stateDir]);
    const lines = stdout.trimEnd().split('\n');
    expect(lines).toEqual([
      expect.stringMatching(new RegExp(`^${AGENT_PROGRAM} \\d+\\.\\d+\\.\\d+`)),
      `Broker:      ${inject('apiUrl')}`,
      `Computer:    ${agentId}, paired`,
      `Account:     ${user.email}`,
      `Running:     yes, pid ${agent.child.pid}, since ${lines[4]?.split(', since ')[1]}`,
      expect.stringMatching(/^Connection: {2}connected over websocket since \d{4}-/),
      // The built-ins of this platform and the recorder.
      `Catalog:     ${builtInEntries(agentPlatform(process.platform), {}).length + 1} apps`,
      expect.stringMatching(
        /^Last job: {4}refused not-in-catalog \(job [\w-]+\) at \S+: unknown_app: "not-in-catalog" is not in this computer's app catalog$/,
      ),
      'Service:     not installed',
      `State dir:   ${agent.stateDir}`,
      expect.stringMatching(/^Log file: +.*agent\.log$/),
    ]);
    expect(code).toBe(0);
  });

  it('keeps launch jobs private to the user who asked', async () => {
    const answer = await post('/api/app/launch', { token: user.token, body: { app_name: 'not-in-catalog' } });
    const stranger = await newUser();
    const peek = await get(`/api/app/jobs/${answer.json.data.job_id}`, { token: stranger.token });
    expect(peek.status).toBe(404);
  });

  it("refuses a job whose signature is not the broker's, and runs nothing", async () => {
    const before = (await recordedArgs(recordFile)).length;
    // The broker's own queueing code, handed a key that is not the broker's.
    const forged = await createJob(
      store,
      importPrivateKey(generateSigningKeyPair().privateKey),
      { userId: 'x', agentId, agentName: 'work-laptop', app: 'recorder', args: ['forged'] },
      Date.now(),
    );
    const jobId = forged.record.job_id;
    // Delivered the way launch_app delivers: pushed to the agent's open connection.
    await vi.waitFor(async () => expect(await pushJob(store, sockets, agentId, jobId, Date.now())).toBe('pushed'), {
      timeout: 15_000,
      interval: 100,
    });
    await agent.waitFor(new RegExp(`${jobId}[^\\n]*(refused|signature)|(refused|signature)[^\\n]*${jobId}`), 15_000);
    expect((await recordedArgs(recordFile)).length).toBe(before);
  });

  it('answers 409 with how to pair when the user has no computer paired', async () => {
    const lonely = await newUser();
    const answer = await post('/api/app/launch', { token: lonely.token, body: { app_name: 'chrome' } });
    expect(answer.status).toBe(409);
    expect(answer.json.error.message).toMatch(/pair/i);
  });
});

describe('the agent endpoints', () => {
  it('refuse unsigned and wrongly signed polls', async () => {
    const { keys, registered } = await registerComputer('probe');
    expect(registered.status).toBe(201);
    const agentId = registered.json.agent_id;
    expect(registered.json.pairing_code).toMatch(/^[A-Z]{4}-[A-Z]{4}$/);

    const unsigned = await post('/api/agent/poll', { body: {} });
    expect(unsigned.status).toBe(401);

    const body = '{}';
    const wrongKey = signRequest(
      { method: 'POST', path: '/api/agent/poll', body, timestamp: Date.now(), agentId },
      generateSigningKeyPair().privateKey,
    );
    expect((await post('/api/agent/poll', { rawBody: body, headers: { ...wrongKey } })).status).toBe(401);

    const stale = signRequest(
      { method: 'POST', path: '/api/agent/poll', body, timestamp: Date.now() - 10 * 60_000, agentId },
      keys.privateKey,
    );
    expect((await post('/api/agent/poll', { rawBody: body, headers: { ...stale } })).status).toBe(401);

    const otherPath = signRequest(
      { method: 'POST', path: '/api/agent/result', body, timestamp: Date.now(), agentId },
      keys.privateKey,
    );
    expect((await post('/api/agent/poll', { rawBody: body, headers: { ...otherPath } })).status).toBe(401);

    const good = signRequest(
      { method: 'POST', path: '/api/agent/poll', body, timestamp: Date.now(), agentId },
      keys.privateKey,
    );
    const answer = await post('/api/agent/poll', { rawBody: body, headers: { ...good } });
    expect(answer.status).toBe(200);
    expect(answer.json.status).toBe('unpaired');
  });

  it('accept a pairing code once, never an unknown one, and unpair a computer another account then claims', async () => {
    const user = await newUser();
    const { registered } = await registerComputer('once', 'windows');
    const code = registered.json.pairing_code;
    const paired = await post('/api/agent/pair', { token: user.token, body: { code } });
    expect(paired.status).toBe(200);
    expect(paired.json.data).toMatchObject({ name: 'once', is_default: true, account: user.email });
    // The computer's self-chosen name is data, never part of the sentence ChatGPT reads.
    expect(paired.json.message).not.toContain('once');
    expect((await post('/api/agent/pair', { token: user.token, body: { code } })).status).toBe(200);
    const again = await post('/api/agent/pair', { token: (await newUser()).token, body: { code } });
    expect(again.status).toBe(409);
    expect(again.json.error.message).toMatch(/already used by another Google account/);
    expect((await get('/api/agent/computers', { token: user.token })).json.data.computers).toEqual([]);
    expect((await post('/api/agent/pair', { token: user.token, body: { code: 'BCDF-GHJK' } })).status).toBe(404);
  });

  it('list and unpair computers; an unpaired agent is told so and gets no more launches', async () => {
    const user = await newUser();
    const { keys, registered } = await registerComputer('spare-room');
    const agentId = registered.json.agent_id;
    await post('/api/agent/pair', { token: user.token, body: { code: registered.json.pairing_code } });
    const listed = await get('/api/agent/computers', { token: user.token });
    expect(listed.json.data.computers).toEqual([
      expect.objectContaining({ agent_id: agentId, name: 'spare-room', is_default: true }),
    ]);
    const unpaired = await post('/api/agent/unpair', { token: user.token, body: { computer: 'spare-room' } });
    expect(unpaired.status).toBe(200);
    expect((await get('/api/agent/computers', { token: user.token })).json.data.computers).toEqual([]);
    const launch = await post('/api/app/launch', { token: user.token, body: { app_name: 'firefox' } });
    expect(launch.status).toBe(409);
    const body = '{}';
    const headers = signRequest(
      { method: 'POST', path: '/api/agent/poll', body, timestamp: Date.now(), agentId },
      keys.privateKey,
    );
    const poll = await post('/api/agent/poll', { rawBody: body, headers: { ...headers } });
    expect(poll.json.status).toBe('unpaired');
  });

  it('answer 202 pending with a job id while the paired computer has not answered', async () => {
    const user = await newUser();
    const { registered } = await registerComputer('asleep');
    await post('/api/agent/pair', { token: user.token, body: { code: registered.json.pairing_code } });
    const answer = await post('/api/app/launch', {
      token: user.token,
      body: { app_name: 'firefox', args: ['https://example.com'] },
    });
    expect(answer.status).toBe(202);
    expect(answer.json).toMatchObject({
      success: true,
      data: { status: 'pending', agent_name: 'asleep', args: ['https://example.com'] },
    });
    expect(answer.json.message).toContain(answer.json.data.job_id);
    const status = await get(`/api/app/jobs/${answer.json.data.job_id}`, { token: user.token });
    expect(status.status).toBe(202);
    expect(status.json.data.status).toBe('pending');
  });

  it('pair, launch and report status through OpenAI tool calls as through their own routes', async () => {
    const user = await newUser();
    const { registered } = await registerComputer('via-tools');
    const tool = (name: string, args: object) =>
      post('/api/chatgpt/call', { token: user.token, body: { name, arguments: JSON.stringify(args) } });
    const paired = await tool('pair_computer', { code: registered.json.pairing_code });
    expect(paired.status).toBe(200);
    expect(paired.json.data).toMatchObject({ agent_id: registered.json.agent_id, name: 'via-tools' });
    const launch = await tool('launch_app', { app_name: 'firefox', args: null, agent: null });
    expect(launch.status).toBe(202);
    expect(launch.json.data).toMatchObject({ status: 'pending', agent_id: registered.json.agent_id });
    const status = await tool('get_launch_status', { job_id: launch.json.data.job_id });
    expect(status.status).toBe(202);
    expect(status.json.data).toMatchObject({ job_id: launch.json.data.job_id, status: 'pending' });
    const listed = await tool('list_computers', {});
    expect(listed.json.data.computers).toEqual([expect.objectContaining({ name: 'via-tools', is_default: true })]);
    const unpaired = await tool('unpair_computer', { computer: 'via-tools' });
    expect(unpaired.status).toBe(200);
    expect((await tool('list_computers', {})).json.data.computers).toEqual([]);
  });

  it('refuse an expired pairing code', async () => {
    const issuedLongAgo = Date.now() - PAIRING_CODE_TTL_MS - 1;
    const { pairingCode } = await registerAgent(
      store,
      { name: 'late', platform: 'macos', public_key: generateSigningKeyPair().publicKey },
      issuedLongAgo,
    );
    const answer = await post('/api/agent/pair', { token: (await newUser()).token, body: { code: pairingCode } });
    expect(answer.status).toBe(404);
  });

  it('refuse registrations with a key that is not Ed25519', async () => {
    const answer = await post('/api/agent/register', { body: { name: 'bad', platform: 'linux', public_key: 'AAAA' } });
    expect(answer.status).toBe(400);
  });
});

describe('who may launch, pair and read jobs', () => {
  it('refuses a token issued to another application, and one without an identity scope, for launch, pair and jobs', async () => {
    const otherApp = await emulator.createUser({
      email: `other-${randomBytes(4).toString('hex')}@example.com`,
      clientId: 'some-other-app.apps.googleusercontent.com',
      clientSecret: 'x',
    });
    const sendOnly = await newUser({ scopes: [SCOPES.send] });
    const { registered } = await registerComputer('guarded');
    for (const [token, status, code] of [
      [otherApp.token, 401, 'invalid_token'],
      [sendOnly.token, 403, 'insufficient_scope'],
    ] as const) {
      const pair = await post('/api/agent/pair', { token, body: { code: registered.json.pairing_code } });
      const launch = await post('/api/app/launch', { token, body: { app_name: 'firefox' } });
      const job = await get('/api/app/jobs/job_aaaaaaaaaaaaaaaaaaaaaaaa', { token });
      for (const answer of [pair, launch, job]) {
        expect(answer.status).toBe(status);
        expect(answer.json.error.code).toBe(code);
      }
    }
    // The code was not spent by the refused attempts: its rightful user can still pair.
    const owner = await newUser();
    expect(
      (await post('/api/agent/pair', { token: owner.token, body: { code: registered.json.pairing_code } })).status,
    ).toBe(200);
  });
});
