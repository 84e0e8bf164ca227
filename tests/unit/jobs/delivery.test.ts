import { EventEmitter } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrokerSocketMessage, ResultRequest } from '#lib/agent-wire/protocol';
import { generateSigningKeyPair, importPrivateKey } from '#lib/agent-wire/signing';
import { parseConfig } from '#lib/config';
import { registerAgent } from '#lib/jobs/agents';
import { addConnection, removeConnection } from '#lib/jobs/connections';
import { collectJobs, pushJob } from '#lib/jobs/delivery';
import { pairComputer } from '#lib/jobs/pairing';
import { acknowledgeJob, createJob, DELIVERY_LEASE_MS, JOB_TTL_MS, leaseJobs, recordResult } from '#lib/jobs/queue';
import type { SocketPort } from '#lib/jobs/sockets';
import { type Store, storeFor } from '#lib/store/table';
import { buildCatalog, parseCatalogConfig } from '../../../agent/catalog.ts';
import { JobDesk } from '../../../agent/job-desk.ts';
import type { SpawnPort } from '../../../agent/launcher.ts';
import { AgentState } from '../../../agent/state.ts';
import { type LocalDynamo, startLocalDynamo } from '../../../local/dynamo.ts';
import { recorderProgram } from '../../support/recorder-program.ts';
import { PLATFORM } from '../agent/support.ts';

/**
 * The broker's delivery (leases, pushes, collects, acks, results, against dynalite) and
 * the agent's job desk (its on-disk record of job ids, a counting spawn), driven through
 * interleavings fast-check chooses: connects, drops with and without `$disconnect`,
 * half-open connections that swallow pushes, lost acks and reports, lease expiry, polls,
 * agent restarts. Whatever happens, no job runs twice; and every job still unexpired when
 * its agent has been connected for a lease's length runs.
 */

const TABLE = 'delivery-test';
const brokerKey = generateSigningKeyPair();
const signingKey = importPrivateKey(brokerKey.privateKey);
let dynamo: LocalDynamo;
let store: Store;
const dirs: string[] = [];

beforeAll(async () => {
  dynamo = await startLocalDynamo({ tableName: TABLE });
  store = storeFor(parseConfig({ DYNAMODB_ENDPOINT: dynamo.endpoint, TABLE_NAME: TABLE }));
});
afterAll(async () => {
  await dynamo.close();
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

const catalog = buildCatalog(
  PLATFORM,
  {},
  // Never run (the spawn below only counts), but the catalog wants a program that may take arguments.
  parseCatalogConfig(
    JSON.stringify({ apps: { recorder: { command: recorderProgram(), allow_args: 'unsafe-any' } } }),
    PLATFORM,
  ),
);

/** API Gateway's side of each connection, as the broker's `@connections` port sees it. */
type Line = { state: 'open' | 'half-open' | 'closed'; inbox: BrokerSocketMessage[] };
class FakeSockets implements SocketPort {
  readonly lines = new Map<string, Line>();
  async send(connectionId: string, message: BrokerSocketMessage): Promise<boolean> {
    const line = this.lines.get(connectionId);
    if (line === undefined || line.state === 'closed') return false;
    if (line.state === 'open') line.inbox.push(message);
    return true; // a half-open connection takes the push and loses it
  }
  async close(connectionId: string): Promise<void> {
    const line = this.lines.get(connectionId);
    if (line !== undefined) line.state = 'closed';
  }
}

const step = fc.oneof(
  fc.constant({ kind: 'launch' as const }),
  fc.constant({ kind: 'connect' as const }),
  fc.record({ kind: fc.constant('drop' as const), which: fc.nat(), notify: fc.boolean() }),
  fc.record({ kind: fc.constant('halfOpen' as const), which: fc.nat() }),
  fc.record({
    kind: fc.constant('receive' as const),
    which: fc.nat(),
    ackLost: fc.boolean(),
    reportLost: fc.boolean(),
  }),
  fc.record({ kind: fc.constant('collect' as const), which: fc.nat() }),
  fc.record({ kind: fc.constant('repush' as const), which: fc.nat() }),
  fc.record({ kind: fc.constant('poll' as const), reportLost: fc.boolean() }),
  fc.record({ kind: fc.constant('tick' as const), ms: fc.constantFrom(50, DELIVERY_LEASE_MS, 20_000) }),
  fc.constant({ kind: 'restart' as const }),
);

describe('delivery at least once, execution exactly once', () => {
  it('never runs a job twice, and runs every job its agent is connected for long enough before expiry', async () => {
    let runCount = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(step, { maxLength: 18 }), async (steps) => {
        runCount += 1;
        let t = Date.now();
        const { pairingCode } = await registerAgent(
          store,
          { name: `pc-${runCount}`, platform: 'linux', public_key: generateSigningKeyPair().publicKey },
          t,
        );
        const { agent_id: agentId } = await pairComputer(
          store,
          new FakeSockets(),
          { id: `user-${runCount}`, email: undefined },
          pairingCode,
          t,
        );
        const dir = await mkdtemp(path.join(tmpdir(), 'delivery-'));
        dirs.push(dir);

        const runs = new Map<string, number>();
        const spawn: SpawnPort = (_command, args) => {
          const marker = String(args.at(-1));
          runs.set(marker, (runs.get(marker) ?? 0) + 1);
          const child = Object.assign(new EventEmitter(), { pid: 4242, unref: () => undefined });
          queueMicrotask(() => child.emit('spawn'));
          return child;
        };
        const openDesk = async () =>
          new JobDesk({
            catalog,
            state: await AgentState.open(dir, t),
            now: () => t,
            fileExists: () => true,
            spawn,
            out: () => undefined,
            log: () => undefined,
          });
        let desk = await openDesk();
        const addressee = { agentId, brokerPublicKey: brokerKey.publicKey };
        const sockets = new FakeSockets();
        const connections: string[] = [];
        const jobs: { marker: string; jobId: string; expiresAt: number }[] = [];

        const take = async (raw: unknown, lost: { ack: boolean; report: boolean }) => {
          const pending: Promise<unknown>[] = [];
          await desk.take(
            raw,
            {
              ack: (jobId) => {
                if (!lost.ack) pending.push(acknowledgeJob(store, agentId, jobId, t));
              },
              report: async (result: ResultRequest) => {
                if (!lost.report) await recordResult(store, agentId, result, t);
              },
            },
            addressee,
          );
          await Promise.all(pending);
        };
        const connect = async () => {
          const id = `conn-${runCount}-${connections.length}`;
          connections.push(id);
          sockets.lines.set(id, { state: 'open', inbox: [] });
          await addConnection(store, agentId, id, t);
          await collectJobs(store, sockets, agentId, id, t);
          return id;
        };
        const pick = (which: number) => connections[which % Math.max(1, connections.length)];

        for (const action of steps) {
          switch (action.kind) {
            case 'launch': {
              if (jobs.length >= 3) break;
              const marker = `job-${jobs.length}`;
              const { record } = await createJob(
                store,
                signingKey,
                { userId: 'u', agentId, agentName: 'pc', app: 'recorder', args: [marker] },
                t,
              );
              jobs.push({ marker, jobId: record.job_id, expiresAt: record.expires_at });
              await pushJob(store, sockets, agentId, record.job_id, t);
              break;
            }
            case 'connect':
              await connect();
              break;
            case 'drop': {
              const id = pick(action.which);
              const line = id === undefined ? undefined : sockets.lines.get(id);
              if (id === undefined || line === undefined) break;
              line.state = 'closed';
              if (action.notify) await removeConnection(store, id);
              break;
            }
            case 'halfOpen': {
              const line = sockets.lines.get(pick(action.which) ?? '');
              if (line?.state === 'open') line.state = 'half-open';
              break;
            }
            case 'receive': {
              const line = sockets.lines.get(pick(action.which) ?? '');
              if (line?.state !== 'open') break;
              const message = line.inbox.shift();
              if (message?.type === 'job') await take(message.job, { ack: action.ackLost, report: action.reportLost });
              break;
            }
            case 'collect': {
              const id = pick(action.which);
              if (id !== undefined && sockets.lines.get(id)?.state === 'open') {
                await collectJobs(store, sockets, agentId, id, t);
              }
              break;
            }
            case 'repush': {
              const job = jobs[action.which % Math.max(1, jobs.length)];
              if (job !== undefined) await pushJob(store, sockets, agentId, job.jobId, t);
              break;
            }
            case 'poll': {
              const [lease] = await leaseJobs(store, agentId, t, 1);
              if (lease) await take(lease.job, { ack: true, report: action.reportLost });
              break;
            }
            case 'tick':
              t += action.ms;
              break;
            case 'restart':
              for (const line of sockets.lines.values()) line.state = 'closed';
              desk = await openDesk();
              break;
          }
          for (const count of runs.values()) expect(count).toBe(1);
        }

        // The agent is connected for a lease's length: whatever went astray is delivered again.
        t += DELIVERY_LEASE_MS;
        const settle = await connect();
        const line = sockets.lines.get(settle) as Line;
        for (let message = line.inbox.shift(); message !== undefined; message = line.inbox.shift()) {
          if (message.type === 'job') await take(message.job, { ack: false, report: false });
        }
        for (const count of runs.values()) expect(count).toBe(1);
        for (const job of jobs) {
          if (job.expiresAt > t) expect(runs.get(job.marker), `${job.marker} should have run`).toBe(1);
        }
      }),
      { numRuns: 40 },
    );
  });

  it('keeps a job deliverable for its whole minute, and not after', async () => {
    const t = Date.now();
    const { pairingCode } = await registerAgent(
      store,
      { name: 'late-pc', platform: 'linux', public_key: generateSigningKeyPair().publicKey },
      t,
    );
    const { agent_id: agentId } = await pairComputer(
      store,
      new FakeSockets(),
      { id: 'late-user', email: undefined },
      pairingCode,
      t,
    );
    const { record } = await createJob(
      store,
      signingKey,
      { userId: 'late-user', agentId, agentName: 'late-pc', app: 'recorder', args: [] },
      t,
    );
    expect((await leaseJobs(store, agentId, t + JOB_TTL_MS - 1)).map((lease) => lease.job.job_id)).toEqual([
      record.job_id,
    ]);
    expect(await leaseJobs(store, agentId, t + JOB_TTL_MS + DELIVERY_LEASE_MS)).toEqual([]);
  });
});
