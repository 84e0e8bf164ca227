import { allOperations, type Operation, operations } from '#lib/operations';
import { commonSchemas } from '#lib/schemas/common';
import * as z from '#lib/zod';

/** `/api/app/jobs/{job_id}` -> a pattern matching `/api/app/jobs/<one segment>`. */
function templatePattern(template: string): RegExp {
  const parts = template.split(/\{[^}]+\}/).map((part) => part.replace(/[.*+?^$()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${parts.join('[^/]+')}$`);
}

const routes = allOperations.map((operation) => ({ operation, pattern: templatePattern(operation.path) }));

/** The registry's operation serving `method path` (query string ignored), if any. */
export function operationFor(method: string, path: string): Operation | undefined {
  const pathname = path.split('?')[0] ?? path;
  const upper = method.toUpperCase();
  return routes.find((route) => route.operation.method === upper && route.pattern.test(pathname))?.operation;
}

/**
 * The operation whose answer `method path` gives: the routed one, except that call_tool
 * answers exactly what the tool named in its request body answers.
 */
function answeringOperation(method: string, path: string, requestBody: unknown): Operation | undefined {
  const routed = operationFor(method, path);
  if (routed?.name !== operations.call_tool.name) return routed;
  const name = (requestBody as { name?: unknown } | undefined)?.name;
  return allOperations.find((operation) => operation.tool && operation.name === name) ?? routed;
}

/**
 * Why a JSON answer does not match what the registry documents for the operation that
 * answered it, or undefined when it matches (or there is nothing to check: not JSON, no
 * such route, a 2xx of an operation without a response schema). A 2xx is checked against
 * the operation's response schema, any other status against the error envelope. The
 * schemas feed the tool definitions and the OpenAPI document, so an answer drifting from
 * them misleads every client that reads those.
 */
export function responseMismatch(
  method: string,
  path: string,
  answer: { status: number; json: unknown; text: string },
  requestBody?: unknown,
): string | undefined {
  const operation = answeringOperation(method, path, requestBody);
  if (answer.json === undefined || !operation) return undefined;
  const success = answer.status >= 200 && answer.status <= 299;
  const schema = success ? operation.response : commonSchemas().ErrorEnvelope;
  if (!schema) return undefined;
  const parsed = schema.safeParse(answer.json);
  const head =
    `${method} ${path} answered ${answer.status} with a body that does not match ` +
    (success ? `the response schema of ${operation.name}` : 'the error envelope');
  if (!parsed.success) return `${head}:\n${z.prettifyError(parsed.error)}\nbody: ${answer.text.slice(0, 2000)}`;
  // zod drops keys a schema does not name: a field the answer has and the schema lacks is
  // missing from the tool definitions and the OpenAPI document.
  const undocumented = droppedFields(answer.json, parsed.data);
  if (undocumented.length > 0) return `${head}: fields the schema does not declare: ${undocumented.join(', ')}`;
  return undefined;
}

/** Paths present in `input` and absent from zod's parsed `output` (keys the schema stripped). */
function droppedFields(input: unknown, output: unknown, path = ''): string[] {
  if (Array.isArray(input) && Array.isArray(output)) {
    return input.flatMap((item, index) => droppedFields(item, output[index], `${path}[${index}]`));
  }
  if (!isRecord(input) || !isRecord(output)) return [];
  return Object.keys(input).flatMap((key) => {
    const at = path ? `${path}.${key}` : key;
    return key in output ? droppedFields(input[key], output[key], at) : [at];
  });
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
