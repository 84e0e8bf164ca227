import { REQUEST_SKEW_MS } from '../agent-wire/signing.ts';
import { keys, putIf, type Store, ttlSeconds } from '../store/table.ts';

/**
 * Spends a request nonce: true the first time the agent uses it, false ever after. The
 * record only needs to outlive the skew window (a request older than that is refused as
 * stale anyway), so DynamoDB's TTL clears it; the conditional put makes "first" exact
 * even for replays racing the original.
 */
export async function spendNonce(store: Store, agentId: string, nonce: string, timestamp: number): Promise<boolean> {
  const spent = await putIf(store, {
    Item: { ...keys.nonce(agentId, nonce), ttl: ttlSeconds(timestamp + REQUEST_SKEW_MS) },
    ConditionExpression: 'attribute_not_exists(pk)',
  });
  return spent !== undefined;
}
