import type { KeyObject } from 'node:crypto';
import { randomBytes } from 'node:crypto';
import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { JobStatus } from '../schemas/apps.ts';
import { type SignedJob, signJob } from './signing.ts';
import { isConditionFailure, keys, type Store, ttlSeconds } from './table.ts';

/** A launch is wrong if it happens much later than asked: jobs are valid for a minute. */
export const JOB_TTL_MS = 60_000;
/** How long after expiry a claimed job may still report its result. */
export const RESULT_GRACE_MS = 2 * 60_000;
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

/** Signs a job for the agent and queues it: a record for status checks, a queue entry for polls. */
export async function createJob(
  store: Store,
  signingKey: KeyObject,
  input: { userId: string; agentId: string; agentName: string; app: string; args: string[] },
  now: number,
): Promise<JobRecord> {
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
  await store.db.send(
    new PutCommand({
      TableName: store.table,
      Item: { ...keys.job(record.job_id), ...record, ttl: ttlSeconds(record.expires_at + RECORD_TTL_MS) },
    }),
  );
  await store.db.send(
    new PutCommand({
      TableName: store.table,
      Item: {
        ...keys.queuedJob(record.agent_id, record.issued_at, record.job_id),
        job,
        expires_at: record.expires_at,
        ttl: ttlSeconds(record.expires_at),
      },
    }),
  );
  return record;
}

/**
 * Hands the agent its oldest unexpired queued job, or nothing. The queue entry is taken
 * by a conditional delete, so of any number of concurrent polls exactly one gets it; a
 * job taken this way is never queued again, whatever happens to the agent afterwards.
 */
export async function claimNextJob(store: Store, agentId: string, now: number): Promise<SignedJob | undefined> {
  const { Items = [] } = await store.db.send(
    new QueryCommand({
      TableName: store.table,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': keys.queue(agentId).pk },
      ConsistentRead: true,
      Limit: 10,
    }),
  );
  for (const item of Items) {
    const expired = Number(item.expires_at) <= now;
    let taken: SignedJob;
    try {
      const { Attributes } = await store.db.send(
        new DeleteCommand({
          TableName: store.table,
          Key: { pk: item.pk, sk: item.sk },
          ConditionExpression: 'attribute_exists(pk)',
          ReturnValues: 'ALL_OLD',
        }),
      );
      taken = Attributes?.job as SignedJob;
    } catch (error) {
      if (isConditionFailure(error)) continue; // another poll took it first
      throw error;
    }
    // An expired entry is cleared away; its record reads as expired.
    if (expired || !taken) continue;
    await store.db
      .send(
        new UpdateCommand({
          TableName: store.table,
          Key: keys.job(taken.job_id),
          UpdateExpression: 'SET #status = :claimed, claimed_at = :now',
          ConditionExpression: '#status = :pending',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':claimed': 'claimed', ':pending': 'pending', ':now': now },
        }),
      )
      .catch((error: unknown) => {
        // The agent reported faster than we marked the claim: its result stands.
        if (!isConditionFailure(error)) throw error;
      });
    return taken;
  }
  return undefined;
}

/**
 * Records the agent's report on its job. Only the job's own agent may report, only while
 * the job is pending or claimed and not long past expiry, and the first report wins.
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
  try {
    await store.db.send(
      new UpdateCommand({
        TableName: store.table,
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
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
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
  const { Item } = await store.db.send(
    new GetCommand({ TableName: store.table, Key: keys.job(jobId), ConsistentRead: true }),
  );
  return Item ? effectiveStatus(Item as JobRecord, now) : undefined;
}

/** True once nothing more will happen to the job. */
export function isFinished(status: JobStatus): boolean {
  return status !== 'pending' && status !== 'claimed';
}
