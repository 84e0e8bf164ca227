import { SOCKET_CONNECT } from '#lib/agent-protocol';
import { BrokerError } from '#lib/errors';
import { socketHandler } from '#lib/http/socket-handler';
import { authenticateAgent } from '#lib/jobs/agent-auth';
import { awaitingPairing, touchAgent } from '#lib/jobs/agents';
import { addConnection } from '#lib/jobs/connections';
import { storeFor } from '#lib/jobs/table';

/**
 * WebSocket `$connect`: a paired agent, or one whose pairing code still waits to be
 * confirmed (it hears `paired` on the connection), opens its push connection with signed
 * headers (timestamp and a nonce, so a captured connect cannot be replayed). Refused with
 * 401/403 before the connection exists (403: unpaired since, so the agent asks why and
 * registers again); jobs are sent once the agent says `collect`.
 */
export const handler = socketHandler('agent_socket_connect', async ({ connectionId, headers, config }) => {
  const store = storeFor(config);
  const now = Date.now();
  const agent = await authenticateAgent(store, { ...SOCKET_CONNECT, body: '', headers }, now);
  if (!agent.user_id && !awaitingPairing(agent, now)) {
    throw new BrokerError('forbidden', 'Pair this agent before opening its job connection.');
  }
  await addConnection(store, agent.agent_id, connectionId, now);
  await touchAgent(store, agent, now);
});
