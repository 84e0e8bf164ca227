import { toolDefinitions } from '#lib/chatgpt/tools';
import { apiHandler } from '#lib/http/api-handler';
import { operations } from '#lib/operations';

/** The tools in OpenAI's strict form (`tools`) and the original's list form (`functions`). */
export const handler = apiHandler(operations.get_tool_definitions, async () => toolDefinitions());
