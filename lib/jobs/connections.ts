import type { BrokerSocketMessage } from '../agent-wire/protocol.ts';
import type { Store } from '../store/table.ts';
import { keys, queryPrefix, ttlSeconds } from '../store/table.ts';
import type { SocketPort } from './sockets.ts';

/**
 * Agents' open WebSocket connections. Each is stored twice: under the agent (to push its
 * jobs to every live connection) and by connection id (to know which agent a message on
 * it comes from). Records die with API Gateway's 2-hour connection limit at the latest;
 * a push to a connection that is gone removes it sooner.
 */

/** API Gateway's longest connection, plus a margin for clocks. */
const CONNECTION_TTL_MS = 2 * 3_600_000 + 10 * 60_000;

export async function addConnection(store: Store, agentId: string, connectionId: string, now: number): Promise<void> {
  const ttl = ttlSeconds(now + CONNECTION_TTL_MS);
  await store.db.put({
    TableName: store.table,
    Item: { ...keys.connection(connectionId), agent_id: agentId, connected_at: now, ttl },
  });
  await store.db.put({
    TableName: store.table,
    Item: { ...keys.agentConnection(agentId, connectionId), connection_id: connectionId, connected_at: now, ttl },
  });
}

/**
 * Connection ids this container has already resolved: an id never changes owner, so a warm
 * function answers the agent's next messages (acks, results, heartbeats) without a read.
 */
const owners = new Map<string, string>();
const OWNERS_KEPT = 10_000;

/** The agent that opened this connection, if the connection is still known. */
export async function agentOfConnection(store: Store, connectionId: string): Promise<string | undefined> {
  const known = owners.get(connectionId);
  if (known !== undefined) return known;
  const { Item } = await store.db.get({
    TableName: store.table,
    Key: keys.connection(connectionId),
    ConsistentRead: true,
  });
  if (typeof Item?.agent_id !== 'string') return undefined;
  if (owners.size >= OWNERS_KEPT) owners.clear();
  owners.set(connectionId, Item.agent_id);
  return Item.agent_id;
}

/** The agent's open connections, newest first. */
export async function listConnections(store: Store, agentId: string, now: number): Promise<string[]> {
  const items = await queryPrefix(store, keys.agentConnectionsPrefix(agentId));
  return items
    .filter((item) => Number(item.ttl) * 1000 > now)
    .sort((a, b) => Number(b.connected_at) - Number(a.connected_at))
    .map((item) => String(item.connection_id));
}

/**
 * Sends one message to each of the agent's given connections, forgetting those found gone;
 * true when at least one took it.
 */
export async function sendToConnections(
  store: Store,
  sockets: SocketPort,
  agentId: string,
  connections: string[],
  message: BrokerSocketMessage,
): Promise<boolean> {
  const delivered = await Promise.all(
    connections.map(async (connectionId) => {
      if (await sockets.send(connectionId, message)) return true;
      await removeConnection(store, connectionId, agentId);
      return false;
    }),
  );
  return delivered.includes(true);
}

/**
 * Closes every open connection of the agent and forgets them: an agent that is no longer
 * paired learns it at once (its reconnect is refused, and its poll says why) instead of
 * holding a connection that looks alive for up to two hours.
 */
export async function closeConnections(store: Store, sockets: SocketPort, agentId: string, now: number): Promise<void> {
  for (const connectionId of await listConnections(store, agentId, now)) {
    await sockets.close(connectionId);
    await removeConnection(store, connectionId, agentId);
  }
}

/** Forgets a connection (closed, or found gone by a push). */
export async function removeConnection(store: Store, connectionId: string, agentId?: string): Promise<void> {
  const owner = agentId ?? (await agentOfConnection(store, connectionId));
  owners.delete(connectionId);
  await store.db.delete({ TableName: store.table, Key: keys.connection(connectionId) });
  if (owner !== undefined) {
    await store.db.delete({ TableName: store.table, Key: keys.agentConnection(owner, connectionId) });
  }
}
