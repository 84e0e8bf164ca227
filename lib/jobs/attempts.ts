import { BrokerError } from '../errors.ts';
import { keys, type Store, ttlSeconds } from '../store/table.ts';

/** How many attempts of one kind one party may make in a fixed window. */
export interface AttemptLimit {
  /** What is counted, and for whom: `pair-failures#<user>`, `registrations#<source>`. */
  scope: string;
  limit: number;
  windowMs: number;
}

function windowOf(limit: AttemptLimit, now: number) {
  const start = Math.floor(now / limit.windowMs) * limit.windowMs;
  return { key: keys.attempts(limit.scope, start), end: start + limit.windowMs };
}

function tooMany(message: string, end: number, now: number): BrokerError {
  return new BrokerError('too_many_requests', message, {
    details: { retry_after_seconds: Math.max(1, Math.ceil((end - now) / 1000)) },
  });
}

/** Refuses (429) when the window's count has reached the limit; counts nothing itself. */
export async function assertUnderLimit(store: Store, limit: AttemptLimit, now: number, message: string): Promise<void> {
  const { key, end } = windowOf(limit, now);
  const { Item } = await store.db.get({ TableName: store.table, Key: key, ConsistentRead: true });
  if (Number(Item?.count ?? 0) >= limit.limit) throw tooMany(message, end, now);
}

/**
 * Counts one attempt in the current window (an atomic ADD, so concurrent attempts are all
 * counted) and refuses (429) once the count passes the limit.
 */
export async function countAttempt(store: Store, limit: AttemptLimit, now: number, message: string): Promise<void> {
  const { key, end } = windowOf(limit, now);
  const { Attributes } = await store.db.update({
    TableName: store.table,
    Key: key,
    UpdateExpression: 'ADD #count :one SET #ttl = :ttl',
    ExpressionAttributeNames: { '#count': 'count', '#ttl': 'ttl' },
    ExpressionAttributeValues: { ':one': 1, ':ttl': ttlSeconds(end) },
    ReturnValues: 'UPDATED_NEW',
  });
  if (Number(Attributes?.count ?? 0) > limit.limit) throw tooMany(message, end, now);
}
