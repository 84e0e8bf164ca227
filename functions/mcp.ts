import { webHandler } from '#lib/http/web-handler';
import { mcpEndpoint } from '#lib/mcp/endpoint';
import * as operations from '#lib/oauth/operations';
import { runners } from './chatgpt-call.ts';

/** POST /mcp: the tools over MCP, with the same actions their REST handlers run. */
export const handler = webHandler(operations.mcp, 'json', mcpEndpoint(runners));
