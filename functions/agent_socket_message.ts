import { agent_socket_message } from '#lib/actions/agents/agent_socket_message';
import { socketHandler } from '#lib/http/socket-handler';

export const handler = socketHandler('agent_socket_message', agent_socket_message);
