import { SOCKET_CONNECT } from '../../agent-wire/protocol.ts';
import { BrokerError } from '../../errors.ts';
import type { SocketRequest } from '../../http/socket-handler.ts';
import { authenticateAgent } from '../../jobs/agent-auth.ts';
import { awaitingPairing, touchAgent } from '../../jobs/agents.ts';
import { addConnection } from '../../jobs/connections.ts';
import { storeFor } from '../../store/table.ts';

/**
 * WebSocket `$connect`: a paired agent, or one whose pairing code still waits to be
 * confirmed (it hears `paired` on the connection), opens its push connection with signed
 * headers (timestamp and a nonce, so a captured connect cannot be replayed). Refused with
 * 401/403 before the connection exists (403: unpaired since, so the agent asks why and
 * registers again); jobs are sent once the agent says `collect`.
 */
export async function agent_socket_connect({ connectionId, headers, config }: SocketRequest): Promise<void> {
  const store = storeFor(config);
  const now = Date.now();
  const agent = await authenticateAgent(store, { ...SOCKET_CONNECT, body: '', headers }, now);
  if (!agent.user_id && !awaitingPairing(agent, now)) {
    throw new BrokerError('forbidden', 'Pair this agent before opening its job connection.');
  }
  await addConnection(store, agent.agent_id, connectionId, now);
  await touchAgent(store, agent, now);
}
