import { BrokerError } from '../errors.ts';
import type { Action, ApiRequest } from '../http/api-handler.ts';
import type { HttpResponse } from '../http/response.ts';
import { runAction } from '../http/run-action.ts';
import type { Operation } from '../operations.ts';
import type { ToolCallRequest } from '../schemas/chatgpt.ts';

/** One tool's operation and its implementation, taking unvalidated arguments. */
export interface ToolRunner {
  readonly operation: Operation;
  run(request: ApiRequest<unknown>): Promise<object | HttpResponse>;
}

/**
 * Pairs an operation with the loader of its action. The runner validates the arguments with
 * the operation's own request schema (a ZodError becomes a 400 listing the fields), exactly
 * as the operation's HTTP handler would, and only then loads the action (once per process:
 * the module loader keeps it), so a refused call loads nothing. It runs the action as the
 * handler does (`runAction`: once, where the registry says the operation sends once).
 */
export function toolRunner<O extends Operation>(operation: O, load: () => Promise<Action<O>>): ToolRunner {
  // Asked without reading it: the schema is built at the tool's first call (lib/schemas/built.ts).
  if (!('request' in operation)) throw new Error(`tool ${operation.name} has no request schema`);
  return {
    operation,
    run: async (request) => {
      // The schema is the operation's own, so what it parses is the body the action takes.
      const body = operation.request?.parse(request.body) as Parameters<Action<O>>[0]['body'];
      return runAction(operation, await load(), { ...request, body });
    },
  };
}

/** Indexes runners by tool name; two runners for one name are a wiring mistake. */
export function toolRunners(runners: ToolRunner[]): ReadonlyMap<string, ToolRunner> {
  const byName = new Map<string, ToolRunner>();
  for (const runner of runners) {
    if (byName.has(runner.operation.name)) throw new Error(`two runners for tool ${runner.operation.name}`);
    byName.set(runner.operation.name, runner);
  }
  return byName;
}

/**
 * A tool call's arguments as an object. OpenAI returns them as a JSON string; callers
 * may also pass the object itself. Absent or empty means no arguments.
 */
export function parseToolArguments(raw: ToolCallRequest['arguments']): Record<string, unknown> {
  if (raw === null || raw === undefined) return {};
  let value: unknown = raw;
  if (typeof raw === 'string') {
    if (raw.trim() === '') return {};
    try {
      value = JSON.parse(raw);
    } catch (error) {
      throw new BrokerError('invalid_request', 'The tool call arguments are not valid JSON.', {
        details: [{ field: 'arguments', message: error instanceof SyntaxError ? error.message : 'not JSON' }],
      });
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new BrokerError('invalid_request', 'The tool call arguments must be a JSON object.', {
      details: [{ field: 'arguments', message: 'must be a JSON object of the tool parameters' }],
    });
  }
  return value as Record<string, unknown>;
}

/**
 * Runs one OpenAI tool call with the caller's own credentials: finds the tool, parses
 * and validates its arguments, and answers what the operation itself would answer.
 * An unknown tool is a 404 naming the tools there are.
 */
export async function dispatchToolCall(
  call: ToolCallRequest,
  runners: ReadonlyMap<string, ToolRunner>,
  request: ApiRequest<unknown>,
): Promise<object | HttpResponse> {
  const runner = runners.get(call.name);
  if (!runner) {
    const known = [...runners.keys()];
    throw new BrokerError('not_found', `Unknown tool "${call.name}". Known tools: ${known.join(', ')}.`, {
      details: { known_tools: known },
    });
  }
  const args = parseToolArguments(call.arguments);
  return runner.run({ ...request, body: args, rawBody: JSON.stringify(args) });
}
