import { agent_socket_disconnect } from '#lib/actions/agents/agent_socket_disconnect';
import { socketHandler } from '#lib/http/socket-handler';

export const handler = socketHandler('agent_socket_disconnect', agent_socket_disconnect);
