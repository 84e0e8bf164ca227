import type { KeyObject } from 'node:crypto';
import { randomBytes } from 'node:crypto';
import { type SignedJob, signJob } from '../agent-wire/signing.ts';
import { count, METRIC } from '../metrics.ts';
import type { JobStatus } from '../schemas/apps.ts';
import { keys, type Store, ttlSeconds, updateIf } from '../store/table.ts';

/** A launch is wrong if it happens much later than asked: jobs are valid for a minute. */
export const JOB_TTL_MS = 60_000;
/** How long after expiry a claimed job may still report its result. */
export const RESULT_GRACE_MS = 2 * 60_000;
/**
 * A delivered job the agent has not acknowledged within this long is delivered again (to
 * a connection or a poll), until it expires. Agents acknowledge on receipt, in milliseconds.
 */
export const DELIVERY_LEASE_MS = 3_000;
/** How long finished job records stay readable through get_launch_status. */
const RECORD_TTL_MS = 7 * 86_400_000;

/** The broker's record of one launch request. */
export interface JobRecord {
  job_id: string;
  user_id: string;
  agent_id: string;
  agent_name: string;
  app: string;
  args: string[];
  status: JobStatus;
  issued_at: number;
  expires_at: number;
  claimed_at?: number;
  finished_at?: number;
  reason?: string;
  pid?: number;
}

/** A signed job and the broker's record of it. */
export interface QueuedJob {
  record: JobRecord;
  job: SignedJob;
}

/** Signs a job for the agent and queues it: a record for status checks, a queue entry to deliver. */
export async function createJob(
  store: Store,
  signingKey: KeyObject,
  input: { userId: string; agentId: string; agentName: string; app: string; args: string[] },
  now: number,
  /** Queue it already leased until then, for a push made at once (saves the lease's own write). */
  leasedUntil?: number,
): Promise<QueuedJob> {
  const record: JobRecord = {
    job_id: `job_${randomBytes(12).toString('base64url')}`,
    user_id: input.userId,
    agent_id: input.agentId,
    agent_name: input.agentName,
    app: input.app,
    args: input.args,
    status: 'pending',
    issued_at: now,
    expires_at: now + JOB_TTL_MS,
  };
  const job = signJob(
    {
      job_id: record.job_id,
      agent_id: record.agent_id,
      app: record.app,
      args: record.args,
      issued_at: record.issued_at,
      expires_at: record.expires_at,
    },
    signingKey,
  );
  // Independent writes, made together: a launch waits on them.
  await Promise.all([
    store.db.put({
      TableName: store.table,
      Item: { ...keys.job(record.job_id), ...record, ttl: ttlSeconds(record.expires_at + RECORD_TTL_MS) },
    }),
    store.db.put({
      TableName: store.table,
      Item: {
        ...keys.queuedJob(record.agent_id, record.job_id),
        job,
        issued_at: record.issued_at,
        expires_at: record.expires_at,
        ttl: ttlSeconds(record.expires_at),
        ...(leasedUntil === undefined ? {} : { leased_until: leasedUntil, deliveries: 1 }),
      },
    }),
  ]);
  return { record, job };
}

/** A job handed out under a lease that ends at `leasedUntil` unless the agent acknowledges it. */
export interface Lease {
  job: SignedJob;
  leasedUntil: number;
}

/**
 * Leases one queued job: a conditional update that succeeds only while the job is
 * unexpired, still queued (not acknowledged or reported) and not under another live
 * lease, so concurrent deliveries never hand out the same job at once.
 */
export async function leaseJob(store: Store, agentId: string, jobId: string, now: number): Promise<Lease | undefined> {
  const leasedUntil = now + DELIVERY_LEASE_MS;
  const leased = await updateIf(store, {
    Key: keys.queuedJob(agentId, jobId),
    UpdateExpression: 'SET leased_until = :until ADD deliveries :one',
    ConditionExpression:
      'attribute_exists(pk) AND expires_at > :now AND (attribute_not_exists(leased_until) OR leased_until <= :now)',
    ExpressionAttributeValues: { ':until': leasedUntil, ':now': now, ':one': 1 },
    ReturnValues: 'ALL_NEW',
  });
  return leased && { job: leased.job as SignedJob, leasedUntil };
}

/** Leases every deliverable job of the agent (up to `limit`), oldest first. */
export async function leaseJobs(store: Store, agentId: string, now: number, limit = 10): Promise<Lease[]> {
  const { Items = [] } = await store.db.query({
    TableName: store.table,
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': keys.queue(agentId).pk },
    ConsistentRead: true,
    Limit: 25,
  });
  const waiting = Items.filter((item) => Number(item.expires_at) > now && !(Number(item.leased_until) > now)).sort(
    (a, b) => Number(a.issued_at) - Number(b.issued_at),
  );
  const leases: Lease[] = [];
  for (const item of waiting) {
    if (leases.length >= limit) break;
    const lease = await leaseJob(store, agentId, (item.job as SignedJob).job_id, now);
    if (lease) leases.push(lease);
  }
  return leases;
}

/** Ends a lease early (the push reached no connection), so a reconnecting agent gets the job at once. */
export async function releaseLease(store: Store, agentId: string, lease: Lease): Promise<void> {
  // A failed condition means acknowledged, reported, or leased again meanwhile: nothing to give back.
  await updateIf(store, {
    Key: keys.queuedJob(agentId, lease.job.job_id),
    UpdateExpression: 'REMOVE leased_until',
    ConditionExpression: 'leased_until = :mine',
    ExpressionAttributeValues: { ':mine': lease.leasedUntil },
  });
}

/** Takes the job out of its agent's queue: it is never delivered again. */
async function dequeue(store: Store, agentId: string, jobId: string): Promise<void> {
  await store.db.delete({ TableName: store.table, Key: keys.queuedJob(agentId, jobId) });
}

/**
 * The agent has the job: it leaves the queue (never delivered again) and reads as claimed
 * until its result. Only the job's own agent can acknowledge it (the queue is per agent).
 */
export async function acknowledgeJob(store: Store, agentId: string, jobId: string, now: number): Promise<boolean> {
  const [, claimed] = await Promise.all([
    dequeue(store, agentId, jobId),
    // A failed condition: already reported (the result overtook the ack), or not this agent's job.
    updateIf(store, {
      Key: keys.job(jobId),
      UpdateExpression: 'SET #status = :claimed, claimed_at = :now',
      ConditionExpression: 'agent_id = :agent AND #status = :pending',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':claimed': 'claimed', ':pending': 'pending', ':now': now, ':agent': agentId },
    }),
  ]);
  return claimed !== undefined;
}

/**
 * Records the agent's report on its job. Only the job's own agent may report, only while
 * the job is pending or claimed and not long past expiry, and the first report wins. A
 * report also takes the job out of the queue (it stands for the acknowledgement).
 */
export async function recordResult(
  store: Store,
  agentId: string,
  result: {
    job_id: string;
    status: 'launched' | 'failed' | 'refused';
    message?: string | null | undefined;
    pid?: number | null | undefined;
  },
  now: number,
): Promise<boolean> {
  const [, recorded] = await Promise.all([
    dequeue(store, agentId, result.job_id),
    updateIf(store, {
      Key: keys.job(result.job_id),
      UpdateExpression: 'SET #status = :status, finished_at = :now, reason = :reason, pid = :pid',
      ConditionExpression: 'agent_id = :agent AND #status IN (:pending, :claimed) AND expires_at > :oldest',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: {
        ':status': result.status,
        ':now': now,
        ':reason': result.message ?? null,
        ':pid': result.pid ?? null,
        ':agent': agentId,
        ':pending': 'pending',
        ':claimed': 'claimed',
        ':oldest': now - RESULT_GRACE_MS,
      },
    }),
  ]);
  if (recorded !== undefined) {
    count(METRIC.launchDelivered);
    if (result.status === 'refused') count(METRIC.launchRefused);
  }
  return recorded !== undefined;
}

/** A job record with its status as of `now`: jobs nobody finished in time read as expired or failed. */
export function effectiveStatus(record: JobRecord, now: number): JobRecord {
  if (record.status === 'pending' && now >= record.expires_at) {
    return {
      ...record,
      status: 'expired',
      reason: 'No paired computer picked the job up in time. Is the agent running?',
    };
  }
  if (record.status === 'claimed' && now >= record.expires_at + RESULT_GRACE_MS) {
    return { ...record, status: 'failed', reason: 'The computer took the job but never reported back.' };
  }
  return record;
}

export async function getJob(store: Store, jobId: string, now: number): Promise<JobRecord | undefined> {
  const { Item } = await store.db.get({ TableName: store.table, Key: keys.job(jobId), ConsistentRead: true });
  return Item ? effectiveStatus(Item as JobRecord, now) : undefined;
}

/** True once nothing more will happen to the job. */
export function isFinished(status: JobStatus): boolean {
  return status !== 'pending' && status !== 'claimed';
}
