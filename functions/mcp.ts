import { toolRunnerMap } from '#lib/actions/tools';
import { webHandler } from '#lib/http/web-handler';
import { mcpEndpoint } from '#lib/mcp/endpoint';
import { endpoints } from '#lib/operations';

/** The tools over MCP, with the same actions their REST handlers run. */
export const handler = webHandler(endpoints.mcp, 'json', mcpEndpoint(toolRunnerMap));
