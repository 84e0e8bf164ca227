import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import { CallToolRequestSchema, type CallToolResult, ListToolsRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import type { ToolRunner } from '../chatgpt/dispatch.ts';
import { toHttpFailure } from '../http/errors.ts';
import { HttpResponse } from '../http/response.ts';
import { allTools } from '../operations.ts';
import { mcpTool } from './catalog.ts';

/** Runs one tool's operation for the signed-in grant, answering what the REST API would answer. */
export type RunTool = (runner: ToolRunner, args: Record<string, unknown>) => Promise<{ status: number; body: unknown }>;

/** The REST answer for a runner's result: `{success: true, ...}` or the HttpResponse's own status and body. */
export function restAnswer(result: object | HttpResponse): { status: number; body: unknown } {
  if (result instanceof HttpResponse) return { status: result.status, body: result.body };
  return { status: 200, body: { success: true, ...result } };
}

/** A failure as the REST API would answer it: `{success: false, error: {code, message, details?}}`. */
export function restFailure(error: unknown): { status: number; body: unknown } {
  const failure = toHttpFailure(error);
  return {
    status: failure.status,
    body: {
      success: false,
      error: {
        code: failure.code,
        message: failure.message,
        ...(failure.details === undefined ? {} : { details: failure.details }),
      },
    },
  };
}

/**
 * One MCP server for one HTTP request (stateless: no sessions, nothing kept between
 * requests; a stateless transport cannot be reused). It lists `tools` (the grant's) and
 * runs a call through `runTool`. A tool's success carries its answer both as
 * `structuredContent` (matching the output schema) and as JSON text for older clients; a
 * refusal (4xx) or failure is a tool error with the REST error body, which the model can read.
 */
export async function handleMcpRequest(
  request: Request,
  tools: ReadonlyMap<string, ToolRunner>,
  runTool: RunTool,
): Promise<Response> {
  const server = new Server(
    { name: 'chatgpt-broker', version: '0.1.0' },
    {
      capabilities: { tools: { listChanged: false } },
      instructions:
        "Acts on the signed-in user's Gmail (send, list unread, reply) and opens apps on the user's paired computer.",
    },
  );
  server.setRequestHandler(ListToolsRequestSchema, async () => ({
    tools: allTools.filter((operation) => tools.has(operation.name)).map(mcpTool),
  }));
  server.setRequestHandler(CallToolRequestSchema, async (call): Promise<CallToolResult> => {
    const runner = tools.get(call.params.name);
    if (!runner) {
      return {
        isError: true,
        content: [
          {
            type: 'text',
            text: `Unknown or not granted tool "${call.params.name}". Tools: ${[...tools.keys()].join(', ')}.`,
          },
        ],
      };
    }
    const answer = await runTool(runner, call.params.arguments ?? {});
    const text = JSON.stringify(answer.body);
    if (answer.status >= 400) return { isError: true, content: [{ type: 'text', text }] };
    return { content: [{ type: 'text', text }], structuredContent: answer.body as Record<string, unknown> };
  });
  // No sessionIdGenerator: stateless, so any Lambda instance can answer any request.
  const transport = new WebStandardStreamableHTTPServerTransport({ enableJsonResponse: true });
  await server.connect(transport);
  try {
    return await transport.handleRequest(request);
  } finally {
    await server.close();
  }
}
