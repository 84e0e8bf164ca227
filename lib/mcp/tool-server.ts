import {
  type CallToolResult,
  CLIENT_CAPABILITIES_META_KEY,
  type ClientCapabilities,
  createMcpHandler,
  Server,
  type ServerContext,
} from '@modelcontextprotocol/server';
import type { ToolRunner } from '../catalog/dispatch.ts';
import { allTools } from '../operations.ts';
import { SERVICE } from '../service.ts';
import { mcpResult, mcpTool } from './catalog.ts';
import { listViews, readView, rendersViews, VIEWS_EXTENSION, viewMeta, viewOf } from './views.ts';

/**
 * The MCP protocol itself, through the official SDK's server. This file alone imports the SDK
 * (at run time), and server.ts loads it on the first request that reaches the protocol, so the
 * `mcp` function's import and its answers that need no protocol (a 401 asking to sign in, the
 * 405 of a GET, a refused origin) do not load the SDK's 300 KiB.
 */

/** Runs one tool's operation for the signed-in grant, answering what the REST API would answer. */
export type RunTool = (runner: ToolRunner, args: Record<string, unknown>) => Promise<{ status: number; body: unknown }>;

/**
 * The largest request the SDK reads: Lambda's own cap on a synchronous request (6 MB), so a
 * send with the most attachments REST accepts (3 MiB decoded, 4 MiB as base64) is not
 * refused here first (the SDK's default is 4 MiB).
 */
const MAX_REQUEST_BYTES = 6 * 1024 * 1024;

const SERVER_INFO = { name: SERVICE, title: 'Gmail and desktop broker', version: '0.1.0' };
const INSTRUCTIONS =
  "Acts on the signed-in user's Gmail (send, list unread, reply) and opens apps on the user's paired computer.";

/**
 * The client's declared capabilities: on 2026-07-28, this request's own `_meta` envelope; on a
 * 2025-era request, what its `initialize` said (nothing, for the stateless requests after it).
 */
function clientCapabilities(server: Server, ctx: ServerContext): ClientCapabilities | undefined {
  return (
    ((ctx.mcpReq.envelope as Record<string, unknown> | undefined)?.[CLIENT_CAPABILITIES_META_KEY] as
      | ClientCapabilities
      | undefined) ?? server.getClientCapabilities()
  );
}

/** One protocol instance serving the grant's `tools`; the SDK makes one per request, of either era. */
function toolServer(tools: ReadonlyMap<string, ToolRunner>, runTool: RunTool): Server {
  const server = new Server(SERVER_INFO, {
    capabilities: { tools: { listChanged: false }, resources: { listChanged: false }, extensions: VIEWS_EXTENSION },
    instructions: INSTRUCTIONS,
  });
  const granted = allTools.filter((operation) => tools.has(operation.name));
  // MCP Apps for a client that declared it renders them, or that could not say (views.ts).
  const withViews = (ctx: ServerContext) => rendersViews(clientCapabilities(server, ctx));
  server.setRequestHandler('tools/list', async (_request, ctx) => {
    const views = withViews(ctx);
    return {
      tools: granted.map((operation) => {
        const view = views ? viewOf(operation) : undefined;
        return mcpTool(operation, view && viewMeta(view));
      }),
    };
  });
  server.setRequestHandler('resources/list', async (_request, ctx) => ({
    resources: withViews(ctx) ? listViews(granted) : [],
  }));
  server.setRequestHandler('resources/read', async (request, ctx) =>
    readView(withViews(ctx) ? granted : [], request.params.uri),
  );
  server.setRequestHandler('tools/call', async (call): Promise<CallToolResult> => {
    const runner = tools.get(call.params.name);
    if (!runner) {
      const known = [...tools.keys()].join(', ');
      return {
        isError: true,
        content: [{ type: 'text', text: `Unknown or not granted tool "${call.params.name}". Tools: ${known}.` }],
      };
    }
    const answer = await runTool(runner, call.params.arguments ?? {});
    return mcpResult(runner.operation, answer);
  });
  return server;
}

/** Serves one request with a fresh protocol instance (see handleMcpRequest in server.ts). */
export async function serveMcp(
  request: Request,
  tools: ReadonlyMap<string, ToolRunner>,
  runTool: RunTool,
): Promise<Response> {
  // JSON answers, never a stream: a Lambda behind API Gateway answers once.
  const handler = createMcpHandler(() => toolServer(tools, runTool), {
    legacy: 'stateless',
    maxRequestBodySize: MAX_REQUEST_BYTES,
  });
  try {
    return await handler.fetch(request);
  } finally {
    await handler.close();
  }
}
