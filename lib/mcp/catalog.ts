import type { CallToolResult, ToolAnnotations } from '@modelcontextprotocol/server';
import { inputJsonSchema, type JsonSchema, outputJsonSchema } from '../catalog/json-schema.ts';
import type { Operation, Tool } from '../operations.ts';
import * as z from '../zod.ts';

/** One MCP tool as `tools/list` shows it. */
export interface McpToolDefinition {
  name: string;
  title: string;
  description: string;
  inputSchema: JsonSchema & { type: 'object' };
  outputSchema?: JsonSchema & { type: 'object' };
  annotations: ToolAnnotations;
  /** The MCP Apps view the tool's answer is shown in, for clients that render views. */
  _meta?: Record<string, unknown>;
}

/**
 * The REST answers come in two shapes: the envelope `{success, message, data}` and a flat
 * `{success, ...fields}` (the mail listings). MCP says success or failure with `isError`, so
 * its structured answer is the envelope's `data`, or the flat answer without `success`.
 */
function isEnvelope(response: z.ZodMiniType | undefined): response is z.ZodMiniObject<{ data: z.ZodMiniType }> {
  return response instanceof z.ZodMiniObject && 'data' in response.shape && 'message' in response.shape;
}

/** The schema of a tool's structured answer, derived from the operation's REST response schema. */
function dataSchema(operation: Operation): z.ZodMiniType | undefined {
  const { response } = operation;
  if (isEnvelope(response)) return response.shape.data;
  if (response instanceof z.ZodMiniObject) return z.omit(response, { success: true });
  return response;
}

/**
 * An operation as an MCP tool: the same input schema as the OpenAI tools, its data as the
 * output schema, and `meta` (the link to its view) when given.
 */
export function mcpTool(operation: Tool, meta?: Record<string, unknown>): McpToolDefinition {
  if (!operation.request) throw new Error(`tool ${operation.name} has no request schema`);
  const data = dataSchema(operation);
  const output = data ? outputJsonSchema(data) : undefined;
  return {
    name: operation.name,
    title: operation.tool.title,
    description: operation.description,
    inputSchema: inputJsonSchema(operation.request) as JsonSchema & { type: 'object' },
    ...(output && output.type === 'object' ? { outputSchema: output as JsonSchema & { type: 'object' } } : {}),
    annotations: { ...operation.tool },
    ...(meta ? { _meta: meta } : {}),
  };
}

type Body = Record<string, unknown>;

/**
 * A REST answer (status and body) as an MCP tool result. A refusal or failure is `isError`
 * with the message REST gives as the first text (and the code and details, if any, as JSON
 * after it); a success is the operation's data as `structuredContent`, with the REST message
 * (if any) and the data as JSON text for clients that read only `content`. A launch the
 * computer refused or failed is answered 200 with `success: false`: an error with its data.
 */
export function mcpResult(operation: Operation, answer: { status: number; body: unknown }): CallToolResult {
  const body = (answer.body ?? {}) as Body;
  if (answer.status >= 400) {
    const error = (body.error ?? {}) as { code?: string; message?: string; details?: unknown };
    const explained = error.details === undefined ? [] : [{ code: error.code, details: error.details }];
    return {
      isError: true,
      content: [
        { type: 'text', text: error.message ?? `Failed with status ${answer.status}.` },
        ...explained.map((extra) => ({ type: 'text' as const, text: JSON.stringify(extra) })),
      ],
    };
  }
  const { success, ...withoutSuccess } = body;
  const enveloped = isEnvelope(operation.response);
  const data = (enveloped ? body.data : withoutSuccess) as Body;
  const said = enveloped && typeof body.message === 'string' ? [{ type: 'text' as const, text: body.message }] : [];
  return {
    ...(success === false ? { isError: true } : {}),
    content: [...said, { type: 'text', text: JSON.stringify(data) }],
    structuredContent: data,
  };
}
