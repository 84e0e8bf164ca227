import { allTools, type Operation } from '../operations.ts';
import { inputJsonSchema, type JsonSchema, toStrictSchema } from './json-schema.ts';

/** An OpenAI tool in the Responses API form, strict mode on. */
export interface StrictTool {
  type: 'function';
  name: string;
  description: string;
  parameters: JsonSchema;
  strict: true;
}

/** A function in the original API's list form (the FastAPI service's function list). */
export interface PlainFunction {
  name: string;
  description: string;
  parameters: JsonSchema;
}

/** OpenAI documents no hard limit on a function description; keep each one short enough for any client. */
export const MAX_TOOL_DESCRIPTION = 1024;

/** Cuts `text` to at most `max` characters, at a word boundary when one is near, with an ellipsis. */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${space > max * 0.6 ? cut.slice(0, space) : cut}…`;
}

function requestSchemaOf(operation: Operation): JsonSchema {
  if (!operation.request) throw new Error(`tool ${operation.name} has no request schema`);
  return inputJsonSchema(operation.request);
}

/** What the model reads to choose a tool: the summary, then the longer description. */
export function toolDescription(operation: Operation): string {
  return clip(`${operation.summary} ${operation.description}`, MAX_TOOL_DESCRIPTION);
}

/**
 * The tool definition of one operation, generated from its request schema. The user's
 * token is never a parameter: it travels in the Authorization header.
 */
export function strictTool(operation: Operation): StrictTool {
  return {
    type: 'function',
    name: operation.name,
    description: toolDescription(operation),
    parameters: toStrictSchema(requestSchemaOf(operation)),
    strict: true,
  };
}

/** The same tool in the original's plain list form (no strict mode, optional fields omitted from `required`). */
export function plainFunction(operation: Operation): PlainFunction {
  return { name: operation.name, description: toolDescription(operation), parameters: requestSchemaOf(operation) };
}

let cached: { tools: StrictTool[]; functions: PlainFunction[] } | undefined;

/** Every tool in both forms; built once per cold start. */
export function toolDefinitions(): { tools: StrictTool[]; functions: PlainFunction[] } {
  cached ??= {
    tools: allTools.map(strictTool),
    functions: allTools.map(plainFunction),
  };
  return cached;
}
