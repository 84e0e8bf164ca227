import { SOCKET_CONNECT } from '#lib/agent-protocol';
import { BrokerError } from '#lib/errors';
import { socketHandler } from '#lib/http/socket-handler';
import { authenticateAgent } from '#lib/jobs/agent-auth';
import { touchAgent } from '#lib/jobs/agents';
import { addConnection } from '#lib/jobs/connections';
import { storeFor } from '#lib/jobs/table';

/**
 * WebSocket `$connect`: a paired agent opens its push connection with signed headers
 * (timestamp and a nonce, so a captured connect cannot be replayed). Refused with 401/403
 * before the connection exists; jobs are sent once the agent says `collect`.
 */
export const handler = socketHandler('agent_socket_connect', async ({ connectionId, headers, config }) => {
  const store = storeFor(config);
  const agent = await authenticateAgent(store, { ...SOCKET_CONNECT, body: '', headers }, Date.now());
  if (!agent.user_id) throw new BrokerError('forbidden', 'Pair this agent before opening its job connection.');
  await addConnection(store, agent.agent_id, connectionId, Date.now());
  await touchAgent(store, agent, Date.now());
});
