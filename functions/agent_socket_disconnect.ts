import { socketHandler } from '#lib/http/socket-handler';
import { removeConnection } from '#lib/jobs/connections';
import { storeFor } from '#lib/jobs/table';

/** WebSocket `$disconnect`: forget the connection, so pushes stop going to it. */
export const handler = socketHandler('agent_socket_disconnect', async ({ connectionId, config }) => {
  await removeConnection(storeFor(config), connectionId);
});
