import { webHandler } from '#lib/http/web-handler';
import { mcpEndpoint } from '#lib/mcp/endpoint';
import { endpoints } from '#lib/operations';
import { runners } from './call_tool.ts';

/** The tools over MCP, with the same actions their REST handlers run. */
export const handler = webHandler(endpoints.mcp, 'json', mcpEndpoint(runners));
