import { AgentSocketMessage } from '../../agent-wire/protocol.ts';
import { BrokerError } from '../../errors.ts';
import type { SocketRequest } from '../../http/socket-handler.ts';
import { agentOfConnection } from '../../jobs/connections.ts';
import { collectJobs } from '../../jobs/delivery.ts';
import { tellIfPaired } from '../../jobs/pairing-notice.ts';
import { acknowledgeJob, recordResult } from '../../jobs/queue.ts';
import { socketsFor } from '../../jobs/sockets.ts';
import { storeFor } from '../../store/table.ts';

/**
 * WebSocket `$default`: what an agent sends on its authenticated connection. `collect`
 * (after connecting, then as the heartbeat) says `paired` if the agent was paired and not
 * yet told, then pushes every queued job and the broker's clock; `ack` takes a delivered
 * job out of the queue; `result` is recorded (the first wins) and confirmed on the socket.
 */
export async function agent_socket_message({ connectionId, json, config }: SocketRequest): Promise<void> {
  const message = AgentSocketMessage.parse(json);
  const store = storeFor(config);
  const agentId = await agentOfConnection(store, connectionId);
  if (agentId === undefined) throw new BrokerError('invalid_token', 'Unknown connection: connect again.');
  const sockets = socketsFor(config);
  switch (message.action) {
    case 'collect':
      await tellIfPaired(store, sockets, agentId, connectionId);
      await collectJobs(store, sockets, agentId, connectionId, Date.now());
      return;
    case 'ack':
      await acknowledgeJob(store, agentId, message.job_id, Date.now());
      return;
    case 'result': {
      const { action: _action, ...result } = message;
      const accepted = await recordResult(store, agentId, result, Date.now());
      await sockets.send(connectionId, { type: 'result_recorded', job_id: result.job_id, accepted });
      return;
    }
  }
}
