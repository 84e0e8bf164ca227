import { agent_socket_connect } from '#lib/actions/agents/agent_socket_connect';
import { socketHandler } from '#lib/http/socket-handler';

export const handler = socketHandler('agent_socket_connect', agent_socket_connect);
