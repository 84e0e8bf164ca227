import type { ToolAnnotations } from '@modelcontextprotocol/sdk/types.js';
import { inputJsonSchema, type JsonSchema, outputJsonSchema } from '../chatgpt/json-schema.ts';
import { allTools, SCOPES, type Tool } from '../operations.ts';

/** Tool names, which are also the OAuth scopes a client can ask for (one scope per tool). */
export const toolNames: readonly string[] = allTools.map((operation) => operation.name);

/** One MCP tool as `tools/list` shows it. */
export interface McpToolDefinition {
  name: string;
  title: string;
  description: string;
  inputSchema: JsonSchema & { type: 'object' };
  outputSchema?: JsonSchema & { type: 'object' };
  annotations: ToolAnnotations;
}

/** An operation as an MCP tool: the same input schema as the OpenAI tools, its answer as the output schema. */
export function mcpTool(operation: Tool): McpToolDefinition {
  if (!operation.request) throw new Error(`tool ${operation.name} has no request schema`);
  const output = operation.response ? outputJsonSchema(operation.response) : undefined;
  return {
    name: operation.name,
    title: operation.summary,
    description: operation.description,
    inputSchema: inputJsonSchema(operation.request) as JsonSchema & { type: 'object' },
    ...(output && output.type === 'object' ? { outputSchema: output as JsonSchema & { type: 'object' } } : {}),
    annotations: { title: operation.summary, ...operation.tool },
  };
}

/** The Google scopes a set of granted tools needs, plus the address to know whose grant it is. */
export function googleScopesFor(tools: readonly string[]): string[] {
  const scopes = new Set<string>(['openid', SCOPES.email]);
  for (const operation of allTools) {
    if (tools.includes(operation.name)) for (const scope of operation.scopes) scopes.add(scope);
  }
  return [...scopes];
}
