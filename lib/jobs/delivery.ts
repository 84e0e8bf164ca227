import type { Store } from '../store/table.ts';
import { listConnections, removeConnection, sendToConnections } from './connections.ts';
import { type Lease, leaseJob, leaseJobs, releaseLease } from './queue.ts';
import type { SocketPort } from './sockets.ts';

/**
 * Delivery of queued jobs to agents' WebSockets. Both transports (this push and the HTTP
 * poll) hand jobs out through the same lease (`leaseJob`/`leaseJobs`), so a job is never
 * under two leases at once, and one whose delivery went nowhere is handed out again once
 * its lease ends, until the agent acknowledges it or it expires.
 */

export type PushOutcome = 'pushed' | 'no_connection' | 'not_deliverable';

/**
 * Pushes a job to every open connection of its agent (an agent restarting may briefly
 * hold two; it runs a job once whatever it receives). Gone connections are forgotten; if
 * none took the job, its lease is given back so a reconnect collects it at once.
 */
export async function pushJob(
  store: Store,
  sockets: SocketPort,
  agentId: string,
  jobId: string,
  now: number,
): Promise<PushOutcome> {
  const connections = await listConnections(store, agentId, now);
  if (connections.length === 0) return 'no_connection';
  const lease = await leaseJob(store, agentId, jobId, now);
  if (lease === undefined) return 'not_deliverable';
  return offerLease(store, sockets, agentId, lease, connections);
}

/**
 * Sends a job already leased for this delivery to the given connections; if none took it,
 * gives the lease back, so a reconnecting agent or a poll gets the job at once.
 */
export async function offerLease(
  store: Store,
  sockets: SocketPort,
  agentId: string,
  lease: Lease,
  connections: string[],
): Promise<Exclude<PushOutcome, 'not_deliverable'>> {
  const sent =
    connections.length > 0 &&
    (await sendToConnections(store, sockets, agentId, connections, { type: 'job', job: lease.job }));
  if (!sent) await releaseLease(store, agentId, lease);
  return sent ? 'pushed' : 'no_connection';
}

/**
 * Answers an agent's `collect` on one connection: every deliverable job, then the
 * broker's clock. If the connection turns out to be gone, the leases are given back.
 */
export async function collectJobs(
  store: Store,
  sockets: SocketPort,
  agentId: string,
  connectionId: string,
  now: number,
): Promise<number> {
  const leases = await leaseJobs(store, agentId, now);
  for (const [index, lease] of leases.entries()) {
    if (!(await sockets.send(connectionId, { type: 'job', job: lease.job }))) {
      await giveBack(store, agentId, leases.slice(index));
      await removeConnection(store, connectionId, agentId);
      return 0;
    }
  }
  if (!(await sockets.send(connectionId, { type: 'collected', server_time: now, queued: leases.length }))) {
    await removeConnection(store, connectionId, agentId);
  }
  return leases.length;
}

async function giveBack(store: Store, agentId: string, leases: Lease[]): Promise<void> {
  for (const lease of leases) await releaseLease(store, agentId, lease);
}
