import { describeError, logger } from '../log.ts';
import type { Store } from '../store/table.ts';
import { type AgentRecord, getAgent, markPairedNotified } from './agents.ts';
import { listConnections, sendToConnections } from './connections.ts';
import type { SocketPort } from './sockets.ts';

/**
 * Telling a waiting agent that its code was confirmed, over the job connection it already
 * holds, so it learns at once instead of at its next poll (the first launch after pairing
 * would otherwise wait for that poll). Nothing is billed while it waits: the connection
 * is API Gateway's, no Lambda runs until the user confirms.
 */

/**
 * Agents this container knows are paired and told. Once told an agent stays so: unpairing
 * closes its connections and it can never open one again under the same id, so a warm
 * function answers its heartbeats without reading the agent.
 */
const told = new Set<string>();
const TOLD_KEPT = 10_000;

const pairedMessage = (agent: AgentRecord) => ({ type: 'paired', account: agent.user_email ?? null }) as const;

/**
 * Says `paired` on every open connection of the just-paired agent. A failed send never
 * undoes the pairing: the agent then hears it at its next `collect` ({@link tellIfPaired})
 * or poll, which is why the agent is marked told only when a connection took the message.
 */
export async function announcePairing(store: Store, sockets: SocketPort, agent: AgentRecord, now: number) {
  try {
    const connections = await listConnections(store, agent.agent_id, now);
    if (await sendToConnections(store, sockets, agent.agent_id, connections, pairedMessage(agent))) {
      await markPairedNotified(store, agent.agent_id);
    }
  } catch (error) {
    logger.warn('could not tell the agent it was paired', { agent_id: agent.agent_id, ...describeError(error) });
  }
}

/**
 * On a `collect`: tells the agent on this connection that it is paired if it has not been
 * told yet (it connected, or its connection dropped, between the pairing and the push).
 */
export async function tellIfPaired(
  store: Store,
  sockets: SocketPort,
  agentId: string,
  connectionId: string,
): Promise<void> {
  if (told.has(agentId)) return;
  const agent = await getAgent(store, agentId);
  if (!agent?.user_id) return;
  if (!agent.paired_notified) {
    if (!(await sockets.send(connectionId, pairedMessage(agent)))) return;
    await markPairedNotified(store, agentId);
  }
  if (told.size >= TOLD_KEPT) told.clear();
  told.add(agentId);
}
