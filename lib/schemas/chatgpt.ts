import * as z from 'zod';

/** A tool call as OpenAI function calling returns it: `arguments` is usually a JSON string. */
export const ToolCallRequest = z.object({
  name: z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/, 'must be a tool name from get_tool_definitions'),
  arguments: z
    .union([z.record(z.string(), z.unknown()), z.string().max(1_000_000)])
    .nullish()
    .describe('The tool arguments: an object, or the JSON string the OpenAI API returns.'),
});
export type ToolCallRequest = z.infer<typeof ToolCallRequest>;
