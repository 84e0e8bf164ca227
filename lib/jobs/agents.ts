import { randomBytes, randomInt } from 'node:crypto';
import { keys, type Store, ttlSeconds, updateIf } from '../store/table.ts';
import { countAttempt } from './attempts.ts';

/** How long a pairing code works (RFC 8628 suggests minutes). */
export const PAIRING_CODE_TTL_MS = 10 * 60_000;

/** A registered desktop agent. `user_id` is set once the user confirmed its pairing code. */
export interface AgentRecord {
  agent_id: string;
  name: string;
  platform: string;
  public_key: string;
  created_at: number;
  user_id?: string;
  user_email?: string;
  paired_at?: number;
  /** Set once the agent has been told it is paired. */
  paired_notified?: boolean;
  /** Until when its pairing code works; removed once paired (set only by registration). */
  pairing_expires_at?: number;
}

/**
 * Whether the agent is waiting for its code to be confirmed: registered, never paired, and
 * its code still works. Such an agent may hold its job connection to hear `paired` at once;
 * one that was paired and then unpaired is not waiting (it must register again).
 */
export function awaitingPairing(agent: AgentRecord, now: number): boolean {
  return !agent.user_id && agent.pairing_expires_at !== undefined && now < agent.pairing_expires_at;
}

// Consonants only (as RFC 8628 advises): no vowels means no accidental words, and no
// look-alikes such as 0/O or 1/I.
const CODE_ALPHABET = 'BCDFGHJKLMNPQRSTVWXZ';

function newPairingCode(): string {
  return Array.from({ length: 8 }, () => CODE_ALPHABET[randomInt(CODE_ALPHABET.length)]).join('');
}

/** "bcdf-ghjk", "BCDF GHJK" and "BCDFGHJK" are one code. */
export function normalisePairingCode(code: string): string {
  return code.toUpperCase().replace(/[^A-Z]/g, '');
}

/** Shows a code as people read it: "BCDF-GHJK". */
export function displayPairingCode(code: string): string {
  return `${code.slice(0, 4)}-${code.slice(4)}`;
}

/** Registers a new agent key and issues its one-time pairing code. */
export async function registerAgent(
  store: Store,
  input: { name: string; platform: string; public_key: string },
  now: number,
  /**
   * Where the registration came from (its IP address) and how many one source may make an
   * hour (AGENT_REGISTRATIONS_PER_HOUR): registrations are counted per source.
   */
  from?: { source: string; perHour: number },
): Promise<{ agent: AgentRecord; pairingCode: string; expiresAt: number }> {
  if (from !== undefined) {
    await countAttempt(
      store,
      { scope: `registrations#${from.source}`, limit: from.perHour, windowMs: 3_600_000 },
      now,
      'Too many agent registrations from this network; wait before starting another agent.',
    );
  }
  const agent: AgentRecord = {
    agent_id: `agt_${randomBytes(12).toString('base64url')}`,
    name: input.name,
    platform: input.platform,
    public_key: input.public_key,
    created_at: now,
  };
  const expiresAt = now + PAIRING_CODE_TTL_MS;
  const code = newPairingCode();
  await store.db.put({
    TableName: store.table,
    // An agent that is never paired disappears a day after its code expired.
    Item: {
      ...keys.agent(agent.agent_id),
      ...agent,
      pairing_expires_at: expiresAt,
      ttl: ttlSeconds(expiresAt + 86_400_000),
    },
    ConditionExpression: 'attribute_not_exists(pk)',
  });
  await store.db.put({
    TableName: store.table,
    Item: { ...keys.pairingCode(code), agent_id: agent.agent_id, expires_at: expiresAt, ttl: ttlSeconds(expiresAt) },
    ConditionExpression: 'attribute_not_exists(pk)',
  });
  return { agent, pairingCode: displayPairingCode(code), expiresAt };
}

export async function getAgent(store: Store, agentId: string): Promise<AgentRecord | undefined> {
  const { Item } = await store.db.get({ TableName: store.table, Key: keys.agent(agentId), ConsistentRead: true });
  return Item as AgentRecord | undefined;
}

/** Records that the agent polled, at most once a minute (each write costs). */
export async function touchAgent(store: Store, agent: AgentRecord, now: number): Promise<void> {
  if (!agent.user_id) return;
  await updateIf(store, {
    Key: keys.userAgent(agent.user_id, agent.agent_id),
    UpdateExpression: 'SET last_seen = :now',
    ConditionExpression: 'attribute_exists(pk) AND last_seen < :stale',
    ExpressionAttributeValues: { ':now': now, ':stale': now - 60_000 },
  });
}

/**
 * Marks that the agent has been told it is paired (its next polls just wait for jobs). Only
 * an agent that still exists: an update alone would create a stray record with no expiry.
 */
export async function markPairedNotified(store: Store, agentId: string): Promise<void> {
  await updateIf(store, {
    Key: keys.agent(agentId),
    UpdateExpression: 'SET paired_notified = :yes',
    ConditionExpression: 'attribute_exists(pk)',
    ExpressionAttributeValues: { ':yes': true },
  });
}
