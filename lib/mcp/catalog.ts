import type { ToolAnnotations } from '@modelcontextprotocol/sdk/types.js';
import { inputJsonSchema, type JsonSchema, outputJsonSchema } from '../chatgpt/json-schema.ts';
import { allOperations, type Operation, SCOPES } from '../operations.ts';

/** The registry's tools: what MCP clients are offered and what a grant can name. */
export const toolOperations: readonly Operation[] = allOperations.filter((operation) => operation.tool);

/** Tool names, which are also the OAuth scopes a client can ask for (one scope per tool). */
export const toolNames: readonly string[] = toolOperations.map((operation) => operation.name);

/** One MCP tool as `tools/list` shows it. */
export interface McpToolDefinition {
  name: string;
  title: string;
  description: string;
  inputSchema: JsonSchema & { type: 'object' };
  outputSchema?: JsonSchema & { type: 'object' };
  annotations: ToolAnnotations;
}

function annotationsOf(operation: Operation): ToolAnnotations {
  if (!operation.annotations) throw new Error(`tool ${operation.name} declares no annotations in the registry`);
  return operation.annotations;
}

/** An operation as an MCP tool: the same input schema as the OpenAI tools, its answer as the output schema. */
export function mcpTool(operation: Operation): McpToolDefinition {
  if (!operation.request) throw new Error(`tool ${operation.name} has no request schema`);
  const output = operation.response ? outputJsonSchema(operation.response) : undefined;
  return {
    name: operation.name,
    title: operation.summary,
    description: operation.description,
    inputSchema: inputJsonSchema(operation.request) as JsonSchema & { type: 'object' },
    ...(output && output.type === 'object' ? { outputSchema: output as JsonSchema & { type: 'object' } } : {}),
    annotations: { title: operation.summary, ...annotationsOf(operation) },
  };
}

/** The Google scopes a set of granted tools needs, plus the address to know whose grant it is. */
export function googleScopesFor(tools: readonly string[]): string[] {
  const scopes = new Set<string>(['openid', SCOPES.email]);
  for (const operation of toolOperations) {
    if (tools.includes(operation.name)) for (const scope of operation.scopes) scopes.add(scope);
  }
  return [...scopes];
}
