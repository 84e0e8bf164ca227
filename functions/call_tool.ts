import { call_tool } from '#lib/actions/chatgpt/call_tool';
import { apiHandler } from '#lib/http/api-handler';
import { operations } from '#lib/operations';

export const handler = apiHandler(operations.call_tool, call_tool);
