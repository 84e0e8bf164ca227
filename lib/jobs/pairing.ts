import { AGENT_PROGRAM } from '../agent-wire/protocol.ts';
import { BrokerError } from '../errors.ts';
import type { GoogleUser } from '../google/identity.ts';
import { keys, queryPrefix, type Store, updateIf } from '../store/table.ts';
import { type AgentRecord, getAgent, normalisePairingCode } from './agents.ts';
import { type AttemptLimit, assertUnderLimit, countAttempt } from './attempts.ts';
import { closeConnections } from './connections.ts';
import { announcePairing } from './pairing-notice.ts';
import type { SocketPort } from './sockets.ts';

/** A user's view of one of their paired computers (an agent bound to them). */
export interface Computer {
  agent_id: string;
  name: string;
  platform: string;
  paired_at: number;
  last_seen: number;
  /** Where launch_app goes when the call names no computer. */
  is_default: boolean;
}

/**
 * Wrong pairing codes one account may try per hour. With 20^8 codes and at most a few
 * thousand alive at once, this keeps a guessing account's chance of reaching a stranger's
 * computer below one in a million a day (SECURITY.md has the arithmetic).
 */
export const PAIRING_FAILURES_PER_HOUR = 10;

const failuresOf = (user: GoogleUser): AttemptLimit => ({
  scope: `pair-failures#${user.id}`,
  limit: PAIRING_FAILURES_PER_HOUR,
  windowMs: 3_600_000,
});

const TOO_MANY_FAILURES =
  'Too many wrong pairing codes from this account; wait before trying again. Check the code the agent prints on the computer.';

interface CodeRecord {
  agent_id: string;
  expires_at: number;
  used_by?: string;
  used_at?: number;
}

/** The user's paired computers, most recently seen first. */
export async function listComputers(store: Store, userId: string): Promise<Computer[]> {
  const items = await queryPrefix<Computer>(store, keys.userAgentsPrefix(userId));
  return items
    .map((item) => ({
      agent_id: item.agent_id,
      name: item.name,
      platform: item.platform,
      paired_at: item.paired_at,
      last_seen: item.last_seen,
      is_default: item.is_default === true,
    }))
    .sort((a, b) => b.last_seen - a.last_seen);
}

/**
 * Removes the agent's binding to `userId` (only that user's), so it gets no more jobs, and
 * closes its job connections, so it learns at once that it is unpaired.
 */
async function unbind(store: Store, sockets: SocketPort, userId: string, agentId: string): Promise<void> {
  // A failed condition: the agent is already someone else's (or gone), and stays as it is.
  const unbound = await updateIf(store, {
    Key: keys.agent(agentId),
    UpdateExpression: 'REMOVE user_id, user_email, paired_at, paired_notified',
    ConditionExpression: 'user_id = :user',
    ExpressionAttributeValues: { ':user': userId },
  });
  await store.db.delete({ TableName: store.table, Key: keys.userAgent(userId, agentId) });
  if (unbound) await closeConnections(store, sockets, agentId, Date.now());
}

/**
 * A second confirmation of a code that was already used. The same account: the pairing it
 * made (ChatGPT retries). Another account: one of the two is not the computer's owner and
 * we cannot tell which, so the computer is unpaired from the first account and both are
 * told what happened; the owner pairs again with a fresh code.
 */
async function secondConfirmation(
  store: Store,
  sockets: SocketPort,
  user: GoogleUser,
  code: CodeRecord,
): Promise<AgentRecord> {
  const agent = await getAgent(store, code.agent_id);
  if (code.used_by === user.id && agent?.user_id === user.id) return agent;
  if (code.used_by && agent?.user_id === code.used_by) await unbind(store, sockets, code.used_by, code.agent_id);
  throw new BrokerError(
    'conflict',
    'This pairing code was already used by another Google account. To be safe, the computer has been unpaired from it and can no longer receive launches from either account. On the computer, restart the agent with --reset to get a new code, then pair again.',
    { details: { agent_id: code.agent_id, used_at: code.used_at ? new Date(code.used_at).toISOString() : null } },
  );
}

/**
 * Binds the agent behind a pairing code to the signed-in user. The code is marked used in
 * the same conditional write that checks it is unexpired, so it pairs once; it is kept
 * (until it expires) so that a second confirmation can be told what happened. Wrong codes
 * count against the account's hourly limit. The agent is told at once on the connection
 * it holds while waiting.
 */
export async function pairComputer(
  store: Store,
  sockets: SocketPort,
  user: GoogleUser,
  code: string,
  now: number,
): Promise<Computer> {
  await assertUnderLimit(store, failuresOf(user), now, TOO_MANY_FAILURES);
  const key = keys.pairingCode(normalisePairingCode(code));
  const used = await updateIf(store, {
    Key: key,
    UpdateExpression: 'SET used_by = :user, used_at = :now',
    ConditionExpression: 'attribute_exists(pk) AND expires_at > :now AND attribute_not_exists(used_by)',
    ExpressionAttributeValues: { ':user': user.id, ':now': now },
    ReturnValues: 'ALL_NEW',
  });
  if (!used) {
    const { Item } = await store.db.get({ TableName: store.table, Key: key, ConsistentRead: true });
    const record = Item as CodeRecord | undefined;
    if (record?.used_by && record.expires_at > now) {
      const agent = await secondConfirmation(store, sockets, user, record);
      return (await listComputers(store, user.id)).find((computer) => computer.agent_id === agent.agent_id) as Computer;
    }
    await countAttempt(store, failuresOf(user), now, TOO_MANY_FAILURES);
    throw new BrokerError(
      'not_found',
      'That pairing code is unknown or expired. Check the code the agent prints, or restart the agent to get a new one.',
    );
  }
  const agent = await updateIf<AgentRecord>(store, {
    Key: keys.agent(String(used.agent_id)),
    UpdateExpression: 'SET user_id = :user, user_email = :email, paired_at = :now REMOVE #ttl, pairing_expires_at',
    ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(user_id)',
    ExpressionAttributeNames: { '#ttl': 'ttl' },
    ExpressionAttributeValues: { ':user': user.id, ':email': user.email ?? null, ':now': now },
    ReturnValues: 'ALL_NEW',
  });
  if (!agent) {
    throw new BrokerError(
      'conflict',
      'That computer is already paired. Restart its agent with --reset to pair it again.',
    );
  }
  // The first computer is the default; a later one never takes launches silently.
  const computer: Computer = {
    agent_id: agent.agent_id,
    name: agent.name,
    platform: agent.platform,
    paired_at: now,
    last_seen: now,
    is_default: (await listComputers(store, user.id)).length === 0,
  };
  await store.db.put({ TableName: store.table, Item: { ...keys.userAgent(user.id, agent.agent_id), ...computer } });
  await announcePairing(store, sockets, agent, now);
  return computer;
}

function findComputer(computers: Computer[], wanted: string): Computer | undefined {
  const lower = wanted.toLowerCase();
  return computers.find((computer) => computer.agent_id === wanted || computer.name.toLowerCase() === lower);
}

const NOT_PAIRED = `No computer is paired yet. On the computer, start the agent (\`npx ${AGENT_PROGRAM} --broker <this API URL>\`, or \`npm run agent\` in the project), then say "pair my computer, code XXXX-XXXX" with the code it prints.`;

/**
 * The computer a launch goes to: the one named (by name or id); else the only one; else
 * the default. With several and no default the caller must say which: never the newest.
 */
export async function chooseComputer(
  store: Store,
  user: GoogleUser,
  wanted: string | null | undefined,
): Promise<Computer> {
  const computers = await listComputers(store, user.id);
  if (computers.length === 0) {
    throw new BrokerError('conflict', NOT_PAIRED, {
      details: { how_to_pair: 'Start the desktop agent, then call pair_computer with the code it prints.' },
    });
  }
  const paired = computers.map(({ agent_id, name }) => ({ agent_id, name }));
  if (wanted) {
    const match = findComputer(computers, wanted);
    if (!match) throw new BrokerError('not_found', 'No paired computer has that name or id.', { details: { paired } });
    return match;
  }
  const chosen = computers.length === 1 ? computers[0] : computers.find((computer) => computer.is_default);
  if (!chosen) {
    throw new BrokerError('conflict', 'Several computers are paired and none is the default: say which one.', {
      details: { paired },
    });
  }
  return chosen;
}

/** Unpairs one of the user's computers (by name or id): it receives no more jobs and its agent is told. */
export async function unpairComputer(
  store: Store,
  sockets: SocketPort,
  user: GoogleUser,
  wanted: string,
): Promise<Computer> {
  const computers = await listComputers(store, user.id);
  const match = findComputer(computers, wanted);
  if (!match) {
    throw new BrokerError('not_found', 'No paired computer has that name or id.', {
      details: { paired: computers.map(({ agent_id, name }) => ({ agent_id, name })) },
    });
  }
  await unbind(store, sockets, user.id, match.agent_id);
  return match;
}
