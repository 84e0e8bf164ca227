import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { STRICT_FORMATS, STRICT_KEYWORDS } from '#lib/catalog/json-schema';

/**
 * OpenAI strict mode's rules, checked independently of how lib/catalog builds a schema. The
 * allowed keywords and formats are one fact, kept once in lib/catalog/json-schema; that the
 * generator drops what is outside them is pinned by json-schema.test.ts with named keywords
 * (`default`, `minLength`, an unsupported format).
 */
export const TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/;
const MAX_DEPTH = 10;
const MAX_PROPERTIES = 5000;

type Node = Record<string, unknown>;
const isNode = (value: unknown): value is Node => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Every way `schema` breaks strict mode, as `path: problem` lines (empty when it is valid). */
export function strictModeProblems(schema: unknown): string[] {
  const problems: string[] = [];
  let propertyCount = 0;
  const walk = (node: unknown, path: string, depth: number) => {
    if (!isNode(node) || Object.keys(node).length === 0) {
      problems.push(`${path}: not a schema with a type`);
      return;
    }
    if (depth > MAX_DEPTH) problems.push(`${path}: nested deeper than ${MAX_DEPTH}`);
    for (const keyword of Object.keys(node)) {
      if (!STRICT_KEYWORDS.has(keyword)) problems.push(`${path}: keyword "${keyword}" is not allowed`);
    }
    if (node.type === undefined && node.anyOf === undefined && node.enum === undefined && node.$ref === undefined) {
      problems.push(`${path}: no type`);
    }
    if (node.format !== undefined && !STRICT_FORMATS.has(String(node.format)))
      problems.push(`${path}: format ${String(node.format)}`);
    if (Array.isArray(node.anyOf)) {
      for (const [index, member] of node.anyOf.entries()) walk(member, `${path}.anyOf[${index}]`, depth);
    }
    const types = Array.isArray(node.type) ? node.type : [node.type];
    if (types.includes('object')) {
      if (node.additionalProperties !== false) problems.push(`${path}: additionalProperties is not false`);
      const properties = isNode(node.properties) ? node.properties : {};
      const names = Object.keys(properties);
      const required = Array.isArray(node.required) ? node.required : [];
      const missing = names.filter((name) => !required.includes(name));
      if (missing.length) problems.push(`${path}: not required: ${missing.join(', ')}`);
      if (required.length !== names.length) problems.push(`${path}: required lists names that are not properties`);
      propertyCount += names.length;
      for (const name of names) walk(properties[name], `${path}.${name}`, depth + 1);
    }
    if (types.includes('array')) walk(node.items, `${path}[]`, depth + 1);
  };
  if (!isNode(schema) || schema.type !== 'object' || schema.anyOf !== undefined)
    problems.push('(root): must be an object');
  walk(schema, '', 0);
  if (propertyCount > MAX_PROPERTIES) problems.push(`more than ${MAX_PROPERTIES} properties`);
  return problems;
}

/** True when the schema admits null (how strict mode says a field may be left out). */
export function admitsNull(schema: unknown): boolean {
  if (!isNode(schema)) return false;
  if (schema.type === 'null' || (Array.isArray(schema.type) && schema.type.includes('null'))) return true;
  return Array.isArray(schema.anyOf) && schema.anyOf.some(admitsNull);
}

/** Every property name anywhere in a schema. */
export function propertyNames(schema: unknown): string[] {
  if (Array.isArray(schema)) return schema.flatMap(propertyNames);
  if (!isNode(schema)) return [];
  const own = isNode(schema.properties) ? Object.keys(schema.properties) : [];
  return [...own, ...Object.values(schema).flatMap(propertyNames)];
}

/** A Lambda context as the runtime passes it. */
export function lambdaContext(name = 'chatgpt-broker-test'): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: name,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:${name}`,
    memoryLimitInMB: '512',
    awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e812345678',
    logGroupName: `/aws/lambda/${name}`,
    logStreamName: '2026/11/01/[$LATEST]abcdef',
    getRemainingTimeInMillis: () => 29_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

type Handler = (event: never, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;

/** Runs a handler on an API Gateway v2 event; answers the status, headers and parsed body. */
export async function runHandler(handler: Handler, event: APIGatewayProxyEventV2) {
  const response = await handler(event as never, lambdaContext());
  const text = typeof response.body === 'string' ? response.body : '';
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return {
    status: response.statusCode ?? 200,
    headers: (response.headers ?? {}) as Record<string, string>,
    json,
    text,
  };
}
