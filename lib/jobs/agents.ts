import { randomBytes, randomInt } from 'node:crypto';
import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { BrokerError } from '../errors.ts';
import type { GoogleUser } from '../google/identity.ts';
import { isConditionFailure, keys, type Store, ttlSeconds } from './table.ts';

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
}

/** A user's view of one of their agents. */
export interface UserAgent {
  agent_id: string;
  name: string;
  platform: string;
  paired_at: number;
  last_seen: number;
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
): Promise<{ agent: AgentRecord; pairingCode: string; expiresAt: number }> {
  const agent: AgentRecord = {
    agent_id: `agt_${randomBytes(12).toString('base64url')}`,
    name: input.name,
    platform: input.platform,
    public_key: input.public_key,
    created_at: now,
  };
  const expiresAt = now + PAIRING_CODE_TTL_MS;
  const code = newPairingCode();
  await store.db.send(
    new PutCommand({
      TableName: store.table,
      // An agent that is never paired disappears a day after its code expired.
      Item: { ...keys.agent(agent.agent_id), ...agent, ttl: ttlSeconds(expiresAt + 86_400_000) },
      ConditionExpression: 'attribute_not_exists(pk)',
    }),
  );
  await store.db.send(
    new PutCommand({
      TableName: store.table,
      Item: { ...keys.pairingCode(code), agent_id: agent.agent_id, expires_at: expiresAt, ttl: ttlSeconds(expiresAt) },
      ConditionExpression: 'attribute_not_exists(pk)',
    }),
  );
  return { agent, pairingCode: displayPairingCode(code), expiresAt };
}

export async function getAgent(store: Store, agentId: string): Promise<AgentRecord | undefined> {
  const { Item } = await store.db.send(
    new GetCommand({ TableName: store.table, Key: keys.agent(agentId), ConsistentRead: true }),
  );
  return Item as AgentRecord | undefined;
}

/**
 * Binds the agent behind a pairing code to the user. The code is deleted in the same
 * conditional write that checks it is unexpired, so it works once, for one user.
 */
export async function pairAgent(store: Store, user: GoogleUser, code: string, now: number): Promise<AgentRecord> {
  const normalised = normalisePairingCode(code);
  let agentId: string;
  try {
    const { Attributes } = await store.db.send(
      new DeleteCommand({
        TableName: store.table,
        Key: keys.pairingCode(normalised),
        ConditionExpression: 'attribute_exists(pk) AND expires_at > :now',
        ExpressionAttributeValues: { ':now': now },
        ReturnValues: 'ALL_OLD',
      }),
    );
    agentId = String(Attributes?.agent_id);
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
    throw new BrokerError(
      'not_found',
      'That pairing code is unknown, already used or expired. Restart the agent to get a new code.',
    );
  }
  let agent: AgentRecord;
  try {
    const { Attributes } = await store.db.send(
      new UpdateCommand({
        TableName: store.table,
        Key: keys.agent(agentId),
        UpdateExpression: 'SET user_id = :user, user_email = :email, paired_at = :now REMOVE #ttl',
        ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(user_id)',
        ExpressionAttributeNames: { '#ttl': 'ttl' },
        ExpressionAttributeValues: { ':user': user.id, ':email': user.email ?? null, ':now': now },
        ReturnValues: 'ALL_NEW',
      }),
    );
    agent = Attributes as AgentRecord;
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
    throw new BrokerError('conflict', 'That agent is already paired.');
  }
  const userAgent: UserAgent = {
    agent_id: agent.agent_id,
    name: agent.name,
    platform: agent.platform,
    paired_at: now,
    last_seen: now,
  };
  await store.db.send(
    new PutCommand({ TableName: store.table, Item: { ...keys.userAgent(user.id, agent.agent_id), ...userAgent } }),
  );
  return agent;
}

/** The user's paired agents, most recently seen first. */
export async function listUserAgents(store: Store, userId: string): Promise<UserAgent[]> {
  const prefix = keys.userAgentsPrefix(userId);
  const { Items = [] } = await store.db.send(
    new QueryCommand({
      TableName: store.table,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': prefix.pk, ':prefix': prefix.skPrefix },
    }),
  );
  return (Items as UserAgent[]).sort((a, b) => b.last_seen - a.last_seen);
}

/** The agent a launch goes to: the one named (by name or id), else the one seen last. */
export async function chooseAgent(
  store: Store,
  user: GoogleUser,
  wanted: string | null | undefined,
): Promise<UserAgent> {
  const agents = await listUserAgents(store, user.id);
  if (agents.length === 0) {
    throw new BrokerError(
      'conflict',
      'No computer is paired yet. On the computer, start the agent (`npx chatgpt-broker-agent --broker <this API URL>`, or `npm run agent` in the project), then say "pair my computer, code XXXX-XXXX" with the code it prints.',
      { details: { how_to_pair: 'Start the desktop agent, then call pair_computer with the code it prints.' } },
    );
  }
  if (!wanted) return agents[0] as UserAgent;
  const match = agents.find((agent) => agent.agent_id === wanted || agent.name.toLowerCase() === wanted.toLowerCase());
  if (!match) {
    throw new BrokerError('not_found', `No paired computer is called "${wanted}".`, {
      details: { paired: agents.map((agent) => agent.name) },
    });
  }
  return match;
}

/** Records that the agent polled, at most once a minute (each write costs). */
export async function touchAgent(store: Store, agent: AgentRecord, now: number): Promise<void> {
  if (!agent.user_id) return;
  try {
    await store.db.send(
      new UpdateCommand({
        TableName: store.table,
        Key: keys.userAgent(agent.user_id, agent.agent_id),
        UpdateExpression: 'SET last_seen = :now',
        ConditionExpression: 'attribute_exists(pk) AND last_seen < :stale',
        ExpressionAttributeValues: { ':now': now, ':stale': now - 60_000 },
      }),
    );
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
  }
}

/** Marks that the agent has been told it is paired (its next polls just wait for jobs). */
export async function markPairedNotified(store: Store, agentId: string): Promise<void> {
  await store.db.send(
    new UpdateCommand({
      TableName: store.table,
      Key: keys.agent(agentId),
      UpdateExpression: 'SET paired_notified = :yes',
      ExpressionAttributeValues: { ':yes': true },
    }),
  );
}
