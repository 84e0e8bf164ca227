import * as z from '../zod.ts';
import { builtOnce } from './built.ts';

/** This module's schemas, built at their first use (./built.ts says why). */
export const chatgptSchemas = builtOnce('chatgpt', () => {
  /** A tool call as OpenAI function calling returns it: `arguments` is usually a JSON string. */
  const ToolCallRequest = z.object({
    name: z.string().check(z.regex(/^[a-zA-Z0-9_-]{1,64}$/, 'must be a tool name from get_tool_definitions')),
    arguments: z
      .nullish(z.union([z.record(z.string(), z.unknown()), z.string().check(z.maxLength(1_000_000))]))
      .check(z.describe('The tool arguments: an object, or the JSON string the OpenAI API returns.')),
  });
  /** A JSON Schema, kept as it is (its keywords are JSON Schema's, not ours to list). */
  const JsonSchemaObject = z.looseObject({});

  const ToolDefinitionsResponse = z.object({
    success: z.literal(true),
    tools: z.array(
      z.object({
        type: z.literal('function'),
        name: z.string(),
        description: z.string(),
        parameters: JsonSchemaObject,
        strict: z.literal(true),
      }),
    ),
    functions: z.array(z.object({ name: z.string(), description: z.string(), parameters: JsonSchemaObject })),
  });

  /** The OpenAPI document: its own standard, checked as such by the unit tests; here only its frame. */
  const OpenApiDocumentResponse = z.looseObject({
    openapi: z.string(),
    info: z.looseObject({ title: z.string(), version: z.string() }),
    paths: z.record(z.string(), z.unknown()),
  });

  const ServiceInfoResponse = z.object({
    success: z.literal(true),
    message: z.string(),
    endpoints: z.record(z.string(), z.string()).check(z.describe('Each operation name with its "METHOD path".')),
  });

  return { ToolCallRequest, ToolDefinitionsResponse, OpenApiDocumentResponse, ServiceInfoResponse };
});

type Schemas = ReturnType<typeof chatgptSchemas>;
export type ToolCallRequest = z.infer<Schemas['ToolCallRequest']>;
