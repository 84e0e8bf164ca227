import type { Action } from '../../http/api-handler.ts';
import { signedRequestOf } from '../../http/auth.ts';
import { authenticateAgent } from '../../jobs/agent-auth.ts';
import { markPairedNotified, touchAgent } from '../../jobs/agents.ts';
import { leaseJobs } from '../../jobs/queue.ts';
import type { operations } from '../../operations.ts';
import { storeFor } from '../../store/table.ts';

/**
 * Signed by the agent: the HTTP fallback for agents that cannot hold the WebSocket, and
 * how an unpaired agent learns it was paired. Answers at once (nothing is billed while an
 * agent waits), with the next job under the same lease a push uses, and the socket URL
 * to prefer when the broker has one.
 */
export const poll_agent_jobs: Action<typeof operations.poll_agent_jobs> = async ({ event, rawBody, config }) => {
  const store = storeFor(config);
  const agent = await authenticateAgent(store, signedRequestOf(event, rawBody), Date.now());
  const socket = config.AGENT_SOCKET_URL === undefined ? {} : { socket_url: config.AGENT_SOCKET_URL };
  if (!agent.user_id) return { status: 'unpaired', ...socket };
  if (!agent.paired_notified) {
    await markPairedNotified(store, agent.agent_id);
    return { status: 'paired', account: agent.user_email ?? null, ...socket };
  }
  await touchAgent(store, agent, Date.now());
  const [lease] = await leaseJobs(store, agent.agent_id, Date.now(), 1);
  return lease ? { status: 'job', job: lease.job, ...socket } : { status: 'idle', ...socket };
};
