import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { registerAgent } from '#lib/jobs/agents';
import { pairComputer } from '#lib/jobs/pairing';
import { claimNextJob, createJob, getJob, JOB_TTL_MS, RESULT_GRACE_MS, recordResult } from '#lib/jobs/queue';
import { generateSigningKeyPair, importPrivateKey, importPublicKey, verifyJob } from '#lib/jobs/signing';
import type { Store } from '#lib/jobs/table';
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
  const agent = await pairComputer(store, user, pairingCode, now);
  return { user, agent };
}

function queueJob(agent: { agent_id: string; name: string }, userId: string, now: number, app = 'calculator') {
  return createJob(store, signingKey, { userId, agentId: agent.agent_id, agentName: agent.name, app, args: [] }, now);
}

describe('the job queue', () => {
  it('hands out a broker-signed job the agent can verify, oldest first', async () => {
    const now = Date.now();
    const { user, agent } = await pairedAgent(now);
    const first = await queueJob(agent, user.id, now, 'first');
    await queueJob(agent, user.id, now + 1, 'second');
    const job = await claimNextJob(store, agent.agent_id, now + 2);
    expect(job?.job_id).toBe(first.job_id);
    expect(
      verifyJob(job, importPublicKey(brokerKey.publicKey), { agentId: agent.agent_id, now: now + 2 }),
    ).toMatchObject({ ok: true });
    expect((await getJob(store, first.job_id, now + 2))?.status).toBe('claimed');
    expect((await claimNextJob(store, agent.agent_id, now + 3))?.app).toBe('second');
    expect(await claimNextJob(store, agent.agent_id, now + 4)).toBeUndefined();
  });

  it('never hands out an expired job, and reports it expired', async () => {
    const now = Date.now();
    const { user, agent } = await pairedAgent(now);
    const job = await queueJob(agent, user.id, now);
    expect(await claimNextJob(store, agent.agent_id, now + JOB_TTL_MS)).toBeUndefined();
    expect((await getJob(store, job.job_id, now + JOB_TTL_MS))?.status).toBe('expired');
  });

  it('marks a claimed job whose agent never reports as failed, and never hands it out again', async () => {
    const now = Date.now();
    const { user, agent } = await pairedAgent(now);
    const job = await queueJob(agent, user.id, now);
    expect((await claimNextJob(store, agent.agent_id, now + 10))?.job_id).toBe(job.job_id);
    expect(await claimNextJob(store, agent.agent_id, now + 20)).toBeUndefined();
    const later = await getJob(store, job.job_id, now + JOB_TTL_MS + RESULT_GRACE_MS);
    expect(later).toMatchObject({ status: 'failed', reason: expect.stringMatching(/never reported/) });
  });

  it('keeps the first result and refuses results from other agents', async () => {
    const now = Date.now();
    const { user, agent } = await pairedAgent(now);
    const other = await pairedAgent(now);
    const job = await queueJob(agent, user.id, now);
    await claimNextJob(store, agent.agent_id, now + 1);
    expect(await recordResult(store, other.agent.agent_id, { job_id: job.job_id, status: 'failed' }, now + 2)).toBe(
      false,
    );
    expect(
      await recordResult(store, agent.agent_id, { job_id: job.job_id, status: 'launched', pid: 42 }, now + 3),
    ).toBe(true);
    expect(
      await recordResult(store, agent.agent_id, { job_id: job.job_id, status: 'failed', message: 'late' }, now + 4),
    ).toBe(false);
    expect(await getJob(store, job.job_id, now + 5)).toMatchObject({ status: 'launched', pid: 42 });
  });

  it('gives each job to exactly one of several concurrent polls, whatever the interleaving', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 2, max: 5 }),
        fc.scheduler(),
        async (jobCount, pollers, s) => {
          const now = Date.now();
          const { user, agent } = await pairedAgent(now);
          const queued = [];
          for (let i = 0; i < jobCount; i += 1) queued.push((await queueJob(agent, user.id, now + i)).job_id);
          // Every DynamoDB call of every poller goes through the scheduler, which releases
          // them in an order fast-check chooses (and shrinks on failure).
          // (Outcomes travel as values: the scheduler would report a rejection as unhandled.)
          const release = s.scheduleFunction((command: never) =>
            store.db.send(command).then(
              (value) => ({ value }),
              (error: unknown) => ({ error }),
            ),
          );
          const send = async (command: never) => {
            const outcome = await release(command);
            if ('error' in outcome) throw outcome.error;
            return outcome.value;
          };
          const scheduledStore: Store = { table: store.table, db: { send } as never };
          const claimed: string[] = [];
          const poll = async () => {
            for (;;) {
              const job = await claimNextJob(scheduledStore, agent.agent_id, now + 100);
              if (!job) return;
              claimed.push(job.job_id);
            }
          };
          const all = Promise.all(Array.from({ length: pollers }, poll));
          await s.waitFor(all);
          expect(claimed.sort()).toEqual([...queued].sort());
        },
      ),
      { numRuns: 25 },
    );
  });
});
