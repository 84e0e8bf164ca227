import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generateSigningKeyPair, importPrivateKey, importPublicKey, verifyJob } from '#lib/agent-wire/signing';
import { registerAgent } from '#lib/jobs/agents';
import { pairComputer } from '#lib/jobs/pairing';
import {
  acknowledgeJob,
  createJob,
  DELIVERY_LEASE_MS,
  getJob,
  JOB_TTL_MS,
  type Lease,
  leaseJob,
  leaseJobs,
  RESULT_GRACE_MS,
  recordResult,
  releaseLease,
} from '#lib/jobs/queue';
import type { Store, Table } from '#lib/store/table';
import { localStore } from './local-store.ts';

const brokerKey = generateSigningKeyPair();
const signingKey = importPrivateKey(brokerKey.privateKey);
const store = await localStore('queue-test');

let userCount = 0;
async function pairedAgent(now = Date.now()) {
  userCount += 1;
  const user = { id: `user-${userCount}`, email: `u${userCount}@example.com` };
  const { pairingCode } = await registerAgent(
    store,
    { name: `pc-${userCount}`, platform: 'linux', public_key: generateSigningKeyPair().publicKey },
    now,
  );
  // No connections are open here: nothing for pairing to close.
  const sockets = { send: async () => false, close: async () => undefined };
  const agent = await pairComputer(store, sockets, user, pairingCode, now);
  return { user, agent };
}

function queueJob(agent: { agent_id: string; name: string }, userId: string, now: number, app = 'calculator') {
  return createJob(store, signingKey, { userId, agentId: agent.agent_id, agentName: agent.name, app, args: [] }, now);
}

describe('the job queue', () => {
  it('leases a broker-signed job the agent can verify, oldest first, each to one delivery at a time', async () => {
    const now = Date.now();
    const { user, agent } = await pairedAgent(now);
    const first = await queueJob(agent, user.id, now, 'first');
    await queueJob(agent, user.id, now + 1, 'second');
    const [lease] = await leaseJobs(store, agent.agent_id, now + 2, 1);
    expect(lease?.job.job_id).toBe(first.record.job_id);
    expect(
      verifyJob(lease?.job, importPublicKey(brokerKey.publicKey), { agentId: agent.agent_id, now: now + 2 }),
    ).toMatchObject({ ok: true });
    expect((await getJob(store, first.record.job_id, now + 2))?.status).toBe('pending');
    expect((await leaseJobs(store, agent.agent_id, now + 3)).map((next) => next.job.app)).toEqual(['second']);
    expect(await leaseJobs(store, agent.agent_id, now + 4)).toEqual([]);
  });

  it('delivers a job again once its lease ends unacknowledged, and never after the acknowledgement', async () => {
    const now = Date.now();
    const { user, agent } = await pairedAgent(now);
    const { record } = await queueJob(agent, user.id, now);
    expect(await leaseJobs(store, agent.agent_id, now)).toHaveLength(1);
    expect(await leaseJobs(store, agent.agent_id, now + DELIVERY_LEASE_MS - 1)).toEqual([]);
    const [again] = await leaseJobs(store, agent.agent_id, now + DELIVERY_LEASE_MS);
    expect(again?.job.job_id).toBe(record.job_id);
    expect(await acknowledgeJob(store, agent.agent_id, record.job_id, now + DELIVERY_LEASE_MS + 1)).toBe(true);
    expect((await getJob(store, record.job_id, now + DELIVERY_LEASE_MS + 1))?.status).toBe('claimed');
    expect(await leaseJobs(store, agent.agent_id, now + 3 * DELIVERY_LEASE_MS)).toEqual([]);
  });

  it('gives a lease back at once when the push reached nobody', async () => {
    const now = Date.now();
    const { user, agent } = await pairedAgent(now);
    const { record } = await queueJob(agent, user.id, now);
    const lease = await leaseJob(store, agent.agent_id, record.job_id, now);
    expect(lease).toBeDefined();
    await releaseLease(store, agent.agent_id, lease as Lease);
    expect((await leaseJobs(store, agent.agent_id, now + 1)).map((next) => next.job.job_id)).toEqual([record.job_id]);
  });

  it('never hands out an expired job, and reports it expired', async () => {
    const now = Date.now();
    const { user, agent } = await pairedAgent(now);
    const { record } = await queueJob(agent, user.id, now);
    expect(await leaseJobs(store, agent.agent_id, now + JOB_TTL_MS)).toEqual([]);
    expect((await getJob(store, record.job_id, now + JOB_TTL_MS))?.status).toBe('expired');
  });

  it('marks an acknowledged job whose agent never reports as failed', async () => {
    const now = Date.now();
    const { user, agent } = await pairedAgent(now);
    const { record } = await queueJob(agent, user.id, now);
    await acknowledgeJob(store, agent.agent_id, record.job_id, now + 10);
    const later = await getJob(store, record.job_id, now + JOB_TTL_MS + RESULT_GRACE_MS);
    expect(later).toMatchObject({ status: 'failed', reason: expect.stringMatching(/never reported/) });
  });

  it('keeps the first result, refuses results and acks from other agents, and stops delivering', async () => {
    const now = Date.now();
    const { user, agent } = await pairedAgent(now);
    const other = await pairedAgent(now);
    const { record } = await queueJob(agent, user.id, now);
    const job_id = record.job_id;
    expect(await acknowledgeJob(store, other.agent.agent_id, job_id, now + 1)).toBe(false);
    expect(await recordResult(store, other.agent.agent_id, { job_id, status: 'failed' }, now + 2)).toBe(false);
    expect(await recordResult(store, agent.agent_id, { job_id, status: 'launched', pid: 42 }, now + 3)).toBe(true);
    expect(await recordResult(store, agent.agent_id, { job_id, status: 'failed', message: 'late' }, now + 4)).toBe(
      false,
    );
    expect(await getJob(store, job_id, now + 5)).toMatchObject({ status: 'launched', pid: 42 });
    // The result stands for the acknowledgement: nothing is delivered again.
    expect(await leaseJobs(store, agent.agent_id, now + 2 * DELIVERY_LEASE_MS)).toEqual([]);
  });

  it('leases each job to exactly one of several concurrent deliveries, whatever the interleaving', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 2, max: 5 }),
        fc.scheduler(),
        async (jobCount, pollers, s) => {
          const now = Date.now();
          const { user, agent } = await pairedAgent(now);
          const queued = [];
          for (let i = 0; i < jobCount; i += 1) queued.push((await queueJob(agent, user.id, now + i)).record.job_id);
          // Every DynamoDB call of every poller goes through the scheduler, which releases
          // them in an order fast-check chooses (and shrinks on failure).
          // (Outcomes travel as values: the scheduler would report a rejection as unhandled.)
          const release = s.scheduleFunction((action: keyof Table, input: never) =>
            (store.db[action] as (input: never) => Promise<unknown>)(input).then(
              (value) => ({ value }),
              (error: unknown) => ({ error }),
            ),
          );
          const scheduled = (action: keyof Table) => async (input: never) => {
            const outcome = await release(action, input);
            if ('error' in outcome) throw outcome.error;
            return outcome.value;
          };
          const actions = ['get', 'put', 'update', 'delete', 'query'] as const;
          const scheduledStore: Store = {
            table: store.table,
            db: Object.fromEntries(actions.map((action) => [action, scheduled(action)])) as unknown as Table,
          };
          const leased: string[] = [];
          const poll = async () => {
            for (;;) {
              const [lease] = await leaseJobs(scheduledStore, agent.agent_id, now + 100, 1);
              if (!lease) return;
              leased.push(lease.job.job_id);
            }
          };
          const all = Promise.all(Array.from({ length: pollers }, poll));
          await s.waitFor(all);
          expect(leased.sort()).toEqual([...queued].sort());
        },
      ),
      { numRuns: 25 },
    );
  });
});
