import type { KeyObject } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { count, METRIC } from '../metrics.ts';
import type { Store } from '../store/table.ts';
import { listConnections } from './connections.ts';
import { offerLease, pushJob } from './delivery.ts';
import { createJob, DELIVERY_LEASE_MS, getJob, isFinished, type JobRecord } from './queue.ts';
import type { SocketPort } from './sockets.ts';

/**
 * Re-reads of a job whose launch is under way: every 15 ms at first (a pushed launch
 * usually lands within tens of milliseconds), then slower (an agent that is offline
 * answers later if at all). Each is one strongly consistent GetItem (half a read unit).
 */
const FIRST_CHECK_MS = 15;
const FAST_CHECKS_FOR_MS = 500;
const LONGEST_CHECK_MS = 250;

export interface LaunchInput {
  userId: string;
  agentId: string;
  agentName: string;
  app: string;
  args: string[];
}

/**
 * Queues a signed job, pushes it to the agent's open connections, and waits up to
 * `waitMs` for the agent's result. While it waits, a push the agent never acknowledged is
 * made again each time its lease ends. Answers the job as it stands at the end.
 */
export async function launchOnAgent(
  store: Store,
  sockets: SocketPort,
  signingKey: KeyObject,
  input: LaunchInput,
  waitMs: number,
): Promise<JobRecord> {
  const started = Date.now();
  // The job is queued already leased to this push, and where to push is read meanwhile:
  // the agent is written to after one round of table writes.
  const leasedUntil = started + DELIVERY_LEASE_MS;
  const [{ record, job }, connections] = await Promise.all([
    createJob(store, signingKey, input, started, leasedUntil),
    listConnections(store, input.agentId, started),
  ]);
  let pushedAt = started;
  await offerLease(store, sockets, input.agentId, { job, leasedUntil }, connections);
  const deadline = started + waitMs;
  let latest = record;
  for (let delay = FIRST_CHECK_MS; !isFinished(latest.status); ) {
    const left = deadline - Date.now();
    if (left <= 0) break;
    await sleep(Math.min(delay, left));
    latest = (await getJob(store, record.job_id, Date.now())) ?? latest;
    if (latest.status === 'pending' && Date.now() >= pushedAt + DELIVERY_LEASE_MS) {
      pushedAt = Date.now();
      await pushJob(store, sockets, input.agentId, record.job_id, pushedAt);
    }
    if (Date.now() - started > FAST_CHECKS_FOR_MS) delay = Math.min(delay * 2, LONGEST_CHECK_MS);
  }
  // Still waiting in the queue: no computer took it while we waited (the alarm's sign of agents offline).
  if (latest.status === 'pending') count(METRIC.launchUnpicked);
  return latest;
}
