import { register_agent } from '#lib/actions/agents/register_agent';
import { apiHandler } from '#lib/http/api-handler';
import { operations } from '#lib/operations';

export const handler = apiHandler(operations.register_agent, register_agent);
