import { get_tool_definitions } from '#lib/actions/chatgpt/get_tool_definitions';
import { apiHandler } from '#lib/http/api-handler';
import { operations } from '#lib/operations';

export const handler = apiHandler(operations.get_tool_definitions, get_tool_definitions);
