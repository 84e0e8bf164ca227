import type { SocketRequest } from '../../http/socket-handler.ts';
import { removeConnection } from '../../jobs/connections.ts';
import { storeFor } from '../../store/table.ts';

/** WebSocket `$disconnect`: forget the connection, so pushes stop going to it. */
export async function agent_socket_disconnect({ connectionId, config }: SocketRequest): Promise<void> {
  await removeConnection(storeFor(config), connectionId);
}
