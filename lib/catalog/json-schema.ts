import * as z from '../zod.ts';

/** A JSON Schema node as `z.toJSONSchema` writes it. */
export type JsonSchema = { [keyword: string]: unknown };

/**
 * The JSON Schema of what a caller sends for `schema` (`io: 'input'`: before transforms,
 * with `.nullish()` fields optional), without the `$schema` line that neither OpenAI nor
 * an OpenAPI document wants.
 */
export function inputJsonSchema(schema: z.core.$ZodType): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io: 'input' }) as JsonSchema;
  return rest;
}

/** The JSON Schema of what an operation answers (`io: 'output'`), without `$schema`. */
export function outputJsonSchema(schema: z.core.$ZodType): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io: 'output' }) as JsonSchema;
  return rest;
}

/** String formats OpenAI's strict mode accepts; other formats are dropped (the server still validates). */
export const STRICT_FORMATS: ReadonlySet<string> = new Set([
  'date-time',
  'time',
  'date',
  'duration',
  'email',
  'hostname',
  'ipv4',
  'ipv6',
  'uuid',
]);

/**
 * Keywords strict mode understands. Everything else (`default`, `minLength`, `maxLength`,
 * `propertyNames`, `title`, ...) is dropped: the request schema on the server still
 * enforces it and answers a 400 the model can act on.
 */
export const STRICT_KEYWORDS: ReadonlySet<string> = new Set([
  'type',
  'description',
  'properties',
  'required',
  'additionalProperties',
  'items',
  'anyOf',
  'enum',
  'pattern',
  'format',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'multipleOf',
  'minItems',
  'maxItems',
  '$ref',
  '$defs',
]);

// Unicode property escapes, lookarounds and backreferences are outside the regular
// expressions a constrained decoder can compile; such a pattern is left to the server.
const UNPORTABLE_PATTERN = /\\[pP]\{|\(\?<?[=!]|\\[1-9]|\\k</;

/** Thrown when a schema cannot be expressed in strict mode (a programming error in a request schema). */
export class StrictSchemaError extends Error {
  constructor(path: string, problem: string) {
    super(`${path || '(root)'}: ${problem}`);
    this.name = 'StrictSchemaError';
  }
}

function isSchema(value: unknown): value is JsonSchema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** True when `schema` already admits `null`. */
export function acceptsNull(schema: JsonSchema): boolean {
  const { type } = schema;
  if (type === 'null' || (Array.isArray(type) && type.includes('null'))) return true;
  if (Array.isArray(schema.enum) && schema.enum.includes(null)) return true;
  return Array.isArray(schema.anyOf) && schema.anyOf.some((member) => isSchema(member) && acceptsNull(member));
}

/** `schema`, or a version of it that also admits `null` (how strict mode spells "optional"). */
export function nullable(schema: JsonSchema): JsonSchema {
  if (acceptsNull(schema)) return schema;
  if (Array.isArray(schema.anyOf)) return { ...schema, anyOf: [...schema.anyOf, { type: 'null' }] };
  if (typeof schema.type === 'string' && schema.enum === undefined) return { ...schema, type: [schema.type, 'null'] };
  const { description, ...rest } = schema;
  return { ...(description === undefined ? {} : { description }), anyOf: [rest, { type: 'null' }] };
}

/** Splices `anyOf` members that are themselves bare `anyOf`s (zod nests them for `.nullish()` unions). */
function flattenAnyOf(members: JsonSchema[]): JsonSchema[] {
  return members.flatMap((member) => {
    const keys = Object.keys(member).filter((key) => key !== 'description');
    if (keys.length === 1 && keys[0] === 'anyOf' && Array.isArray(member.anyOf)) {
      return flattenAnyOf(member.anyOf.filter(isSchema));
    }
    return [member];
  });
}

function strictNode(node: unknown, path: string): JsonSchema {
  if (!isSchema(node) || Object.keys(node).length === 0) {
    throw new StrictSchemaError(path, 'a value of any type cannot be described in strict mode');
  }
  const out: JsonSchema = {};
  for (const [keyword, value] of Object.entries(node)) {
    if (STRICT_KEYWORDS.has(keyword)) out[keyword] = value;
  }
  // z.literal() writes `const`; `enum` is the strict-mode spelling of a fixed value.
  if ('const' in node && out.enum === undefined) out.enum = [node.const];

  if (typeof out.format === 'string') {
    if (!STRICT_FORMATS.has(out.format)) delete out.format;
    // zod writes a format's regex beside it; the format alone says it to the model.
    else delete out.pattern;
  }
  if (typeof out.pattern === 'string' && UNPORTABLE_PATTERN.test(out.pattern)) delete out.pattern;

  if (Array.isArray(out.anyOf)) {
    const members = flattenAnyOf(out.anyOf.map((member, index) => strictNode(member, `${path}.anyOf[${index}]`)));
    // The description of a nested union moves up to the property it describes.
    const inner = out.anyOf.find(
      (member): member is JsonSchema =>
        isSchema(member) && member.anyOf !== undefined && member.description !== undefined,
    );
    if (out.description === undefined && inner) out.description = inner.description;
    out.anyOf = members;
  }

  const types = Array.isArray(out.type) ? out.type : [out.type];
  if (types.includes('object') || isSchema(out.properties)) {
    if (out.additionalProperties !== undefined && out.additionalProperties !== false) {
      throw new StrictSchemaError(
        path,
        'an object with free-form keys (a record) cannot be strict; list its properties',
      );
    }
    const properties = isSchema(out.properties) ? out.properties : {};
    const required = new Set(Array.isArray(node.required) ? (node.required as unknown[]) : []);
    const strictProperties: JsonSchema = {};
    for (const [name, property] of Object.entries(properties)) {
      const strict = strictNode(property, path ? `${path}.${name}` : name);
      strictProperties[name] = required.has(name) ? strict : nullable(strict);
    }
    out.properties = strictProperties;
    out.required = Object.keys(strictProperties);
    out.additionalProperties = false;
  }
  if (types.includes('array')) {
    if (!isSchema(out.items)) throw new StrictSchemaError(path, 'an array needs one item schema');
    out.items = strictNode(out.items, `${path}[]`);
  }
  if (isSchema(out.$defs)) {
    out.$defs = Object.fromEntries(
      Object.entries(out.$defs).map(([name, definition]) => [name, strictNode(definition, `$defs.${name}`)]),
    );
  }
  return out;
}

/**
 * Rewrites a request's JSON Schema into the subset OpenAI's strict mode accepts: every
 * object closed (`additionalProperties: false`) with all of its properties `required`,
 * optional properties made nullable (the model sends `null` for "not given", which the
 * `.nullish()` request schemas accept), no `default`, unsupported keywords and formats
 * dropped, nested `anyOf`s flattened, `const` as a one-value `enum`. Descriptions stay.
 * Throws {@link StrictSchemaError} for what cannot be made strict (free-form values or
 * records, a root that is not an object).
 */
export function toStrictSchema(schema: JsonSchema): JsonSchema {
  if (schema.type !== 'object' || schema.anyOf !== undefined) {
    throw new StrictSchemaError('', 'the root of a tool schema must be an object');
  }
  return strictNode(schema, '');
}
