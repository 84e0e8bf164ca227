import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { parseConfig } from '#lib/config';
import { pushJob } from '#lib/jobs/delivery';
import { generateSigningKeyPair, signJob, signRequest } from '#lib/jobs/signing';
import { socketsFor } from '#lib/jobs/sockets';
import { storeFor } from '#lib/jobs/store';
import { keys } from '#lib/jobs/table';
import type { CreatedUser } from '../../emulator/control-client.ts';
import { type AgentProcess, recordArgsProgram, startAgent } from '../support/agent-process.ts';
import { get, newUser, post } from '../support/api.ts';

async function recorded(file: string): Promise<string[][]> {
  const text = await readFile(file, 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as string[]);
}

const db = DynamoDBDocumentClient.from(
  new DynamoDBClient({
    endpoint: inject('dynamoEndpoint'),
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  }),
);

const config = parseConfig({
  DYNAMODB_ENDPOINT: inject('dynamoEndpoint'),
  TABLE_NAME: inject('tableName'),
  WEBSOCKET_MANAGEMENT_URL: inject('managementUrl'),
});
const store = storeFor(config);
const sockets = socketsFor(config);

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
        apps: { recorder: { command: process.execPath, args: [recordArgsProgram, recordFile], allow_args: true } },
      },
      name: 'work-laptop',
    });
    const [, code] = await agent.waitFor(/Pairing code: (\S+)/);
    const paired = await post('/api/agent/pair', { token: user.token, body: { code } });
    expect(paired.status).toBe(200);
    expect(paired.json.data).toMatchObject({ name: 'work-laptop', platform: expect.any(String) });
    agentId = paired.json.data.agent_id;
    await agent.waitFor(/Paired\. Waiting for jobs\./);
    await agent.waitFor(/Connected to ws:/);
  });
  afterAll(() => agent?.stop());

  it('runs the catalog program exactly once with the given arguments and says so', async () => {
    const args = ['hello world', '; rm -rf ~', '$(whoami)', '`id`', '| cat /etc/passwd', 'it\'s "quoted"'];
    const answer = await post('/api/app/launch', { token: user.token, body: { app_name: 'recorder', args } });
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({
      success: true,
      data: { status: 'launched', app: 'recorder', agent_name: 'work-laptop', agent_id: agentId },
    });
    // The program records after it starts; give it a moment, then check it ran once.
    for (let i = 0; i < 50 && (await recorded(recordFile)).length === 0; i += 1)
      await new Promise((r) => setTimeout(r, 100));
    expect(await recorded(recordFile)).toEqual([args]);
    const status = await get(`/api/app/jobs/${answer.json.data.job_id}`, { token: user.token });
    expect(status.json.data.status).toBe('launched');
  });

  it("answers a clear failure for an app outside the agent's catalog, and runs nothing", async () => {
    const before = (await recorded(recordFile)).length;
    const answer = await post('/api/app/launch', { token: user.token, body: { app_name: 'not-in-catalog' } });
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({
      success: false,
      data: { status: 'refused', reason: expect.stringMatching(/catalog/i) },
    });
    expect((await recorded(recordFile)).length).toBe(before);
  });

  it('keeps launch jobs private to the user who asked', async () => {
    const answer = await post('/api/app/launch', { token: user.token, body: { app_name: 'not-in-catalog' } });
    const stranger = await newUser();
    const peek = await get(`/api/app/jobs/${answer.json.data.job_id}`, { token: stranger.token });
    expect(peek.status).toBe(404);
  });

  it("refuses a job whose signature is not the broker's, and runs nothing", async () => {
    const before = (await recorded(recordFile)).length;
    const now = Date.now();
    const jobId = `job_${randomBytes(12).toString('base64url')}`;
    const forged = signJob(
      { job_id: jobId, agent_id: agentId, app: 'recorder', args: ['forged'], issued_at: now, expires_at: now + 60_000 },
      generateSigningKeyPair().privateKey,
    );
    const table = inject('tableName');
    await db.send(
      new PutCommand({
        TableName: table,
        Item: {
          ...keys.job(jobId),
          job_id: jobId,
          user_id: 'x',
          agent_id: agentId,
          agent_name: 'work-laptop',
          app: 'recorder',
          args: ['forged'],
          status: 'pending',
          issued_at: now,
          expires_at: now + 60_000,
        },
      }),
    );
    await db.send(
      new PutCommand({
        TableName: table,
        Item: { ...keys.queuedJob(agentId, jobId), job: forged, issued_at: now, expires_at: now + 60_000 },
      }),
    );
    // Delivered the way launch_app delivers: pushed to the agent's open connection.
    await vi.waitFor(async () => expect(await pushJob(store, sockets, agentId, jobId, Date.now())).toBe('pushed'), {
      timeout: 15_000,
      interval: 100,
    });
    await agent.waitFor(new RegExp(`${jobId}[^\\n]*(refused|signature)|(refused|signature)[^\\n]*${jobId}`), 15_000);
    expect((await recorded(recordFile)).length).toBe(before);
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
    const keys = generateSigningKeyPair();
    const registered = await post('/api/agent/register', {
      body: { name: 'probe', platform: 'linux', public_key: keys.publicKey },
    });
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

  it('accept a pairing code once, and never an unknown one', async () => {
    const user = await newUser();
    const registered = await post('/api/agent/register', {
      body: { name: 'once', platform: 'windows', public_key: generateSigningKeyPair().publicKey },
    });
    const code = registered.json.pairing_code;
    expect((await post('/api/agent/pair', { token: user.token, body: { code } })).status).toBe(200);
    const again = await post('/api/agent/pair', { token: (await newUser()).token, body: { code } });
    expect(again.status).toBe(404);
    expect(again.json.error.message).toMatch(/expired|used|unknown/);
    expect((await post('/api/agent/pair', { token: user.token, body: { code: 'BCDF-GHJK' } })).status).toBe(404);
  });

  it('answer 202 pending with a job id while the paired computer has not answered', async () => {
    const user = await newUser();
    const registered = await post('/api/agent/register', {
      body: { name: 'asleep', platform: 'linux', public_key: generateSigningKeyPair().publicKey },
    });
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

  it('refuse an expired pairing code', async () => {
    const registered = await post('/api/agent/register', {
      body: { name: 'late', platform: 'macos', public_key: generateSigningKeyPair().publicKey },
    });
    const code = String(registered.json.pairing_code).replace('-', '');
    await db.send(
      new PutCommand({
        TableName: inject('tableName'),
        Item: { ...keys.pairingCode(code), agent_id: registered.json.agent_id, expires_at: Date.now() - 1 },
      }),
    );
    const answer = await post('/api/agent/pair', { token: (await newUser()).token, body: { code } });
    expect(answer.status).toBe(404);
  });

  it('refuse registrations with a key that is not Ed25519', async () => {
    const answer = await post('/api/agent/register', { body: { name: 'bad', platform: 'linux', public_key: 'AAAA' } });
    expect(answer.status).toBe(400);
  });
});
