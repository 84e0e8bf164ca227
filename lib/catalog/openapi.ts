import { allOperations, type Operation, SCOPES } from '../operations.ts';
import { commonSchemas } from '../schemas/common.ts';
import { inputJsonSchema, type JsonSchema, outputJsonSchema } from './json-schema.ts';
import { clip } from './tools.ts';

/** GPT Actions read at most this many characters of an operation's summary or description. */
export const MAX_ACTIONS_TEXT = 300;

const OPENID_SCOPES: Record<string, string> = {
  openid: 'Sign in with Google.',
  email: "See the user's email address (to find their paired computers).",
};

const SCOPE_DESCRIPTIONS: Record<string, string> = {
  [SCOPES.send]: 'Send email on your behalf.',
  [SCOPES.read]: 'Read your email messages and settings.',
  [SCOPES.compose]: 'Manage drafts and send emails.',
  [SCOPES.modify]: 'Read, compose and send emails, and change their labels (no permanent deletion).',
  [SCOPES.email]: 'See your primary Google Account email address.',
};

export interface OpenApiParameter {
  name: string;
  in: 'path' | 'query';
  required: boolean;
  description?: string;
  schema: JsonSchema;
}

export interface OpenApiOperation {
  operationId: string;
  summary: string;
  description: string;
  parameters?: OpenApiParameter[];
  requestBody?: { required: boolean; content: { 'application/json': { schema: JsonSchema } } };
  responses: Record<string, unknown>;
  security: Array<Record<string, string[]>>;
  'x-openai-isConsequential': boolean;
}

export interface OpenApiDocument {
  openapi: '3.1.0';
  info: { title: string; version: string; description: string };
  servers: Array<{ url: string }>;
  paths: Record<string, Record<string, OpenApiOperation>>;
  components: {
    schemas: Record<string, JsonSchema>;
    responses: Record<string, unknown>;
    securitySchemes: Record<string, unknown>;
  };
}

/**
 * Operations the document describes: all but the agent protocol (`auth: 'agent'`). Those
 * routes authenticate with the agent's own Ed25519 request signature, which no OpenAPI
 * security scheme can express, and ChatGPT must never call them; `register_agent` has no
 * auth and is listed so the document stays the full public API.
 */
export function documentedOperations(): Operation[] {
  return allOperations.filter((operation) => operation.auth !== 'agent');
}

/** Every Google scope any operation needs, plus sign-in, with the consent-screen wording. */
export function oauthScopes(): Record<string, string> {
  const scopes: Record<string, string> = { ...OPENID_SCOPES };
  for (const operation of allOperations) {
    for (const scope of operation.scopes) scopes[scope] = SCOPE_DESCRIPTIONS[scope] ?? scope;
  }
  return scopes;
}

function pathParameterNames(path: string): Set<string> {
  return new Set([...path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1] ?? ''));
}

/** GET input comes from the path and the query string: one parameter per schema property. */
function parametersOf(operation: Operation): OpenApiParameter[] {
  if (!operation.request) return [];
  const schema = inputJsonSchema(operation.request);
  const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((schema.required ?? []) as string[]);
  const inPath = pathParameterNames(operation.path);
  return Object.entries(properties).map(([name, property]) => {
    const { description, ...propertySchema } = property;
    return {
      name,
      in: inPath.has(name) ? 'path' : 'query',
      required: inPath.has(name) || required.has(name),
      ...(typeof description === 'string' ? { description } : {}),
      schema: propertySchema,
    };
  });
}

/** Answers may gain fields (new fields go beside the original's, never instead): leave their objects open. */
function openObjects(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(openObjects);
  if (typeof schema !== 'object' || schema === null) return schema;
  return Object.fromEntries(
    Object.entries(schema)
      .filter(([keyword, value]) => !(keyword === 'additionalProperties' && value === false))
      .map(([keyword, value]) => [keyword, openObjects(value)]),
  );
}

function successResponse(operation: Operation): unknown {
  if (operation.name === 'get_docs_page') {
    return { description: 'The HTML reference page.', content: { 'text/html': { schema: { type: 'string' } } } };
  }
  const schema = operation.response ? openObjects(outputJsonSchema(operation.response)) : { type: 'object' };
  return { description: 'Success.', content: { 'application/json': { schema } } };
}

function documentOperation(operation: Operation): OpenApiOperation {
  const isGet = operation.method === 'GET';
  return {
    operationId: operation.name,
    summary: clip(operation.summary, MAX_ACTIONS_TEXT),
    description: clip(operation.description, MAX_ACTIONS_TEXT),
    ...(isGet && operation.request ? { parameters: parametersOf(operation) } : {}),
    ...(!isGet && operation.request
      ? {
          requestBody: {
            required: true,
            content: { 'application/json': { schema: inputJsonSchema(operation.request) } },
          },
        }
      : {}),
    responses: {
      '200': successResponse(operation),
      '4XX': { $ref: '#/components/responses/Error' },
      '5XX': { $ref: '#/components/responses/Error' },
    },
    security: operation.auth === 'google' ? [{ googleOAuth: [...operation.scopes] }] : [],
    'x-openai-isConsequential': operation.consequential,
  };
}

/**
 * The OpenAPI 3.1 document a custom GPT imports as its Actions, generated from the
 * operation registry: the request schemas that validate calls are the ones published.
 * `serverUrl` is the public base URL (no trailing slash needed).
 */
export function buildOpenApiDocument(serverUrl: string): OpenApiDocument {
  const paths: OpenApiDocument['paths'] = {};
  for (const operation of documentedOperations()) {
    paths[operation.path] ??= {};
    const item = paths[operation.path];
    if (item) item[operation.method.toLowerCase()] = documentOperation(operation);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'ChatGPT Broker',
      version: '1.0.0',
      description:
        "Lets ChatGPT send, read and reply to the signed-in user's Gmail with their own Google token, and open apps on their computer through a paired desktop agent.",
    },
    servers: [{ url: serverUrl.replace(/\/+$/, '') }],
    paths,
    components: {
      schemas: { Error: openObjects(outputJsonSchema(commonSchemas().ErrorEnvelope)) as JsonSchema },
      responses: {
        Error: {
          description: 'The request failed: `error.code` says why, `error.details` lists fields to fix.',
          content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
        },
      },
      securitySchemes: {
        googleOAuth: {
          type: 'oauth2',
          description: "The user's own Google account; the access token is sent as `Authorization: Bearer`.",
          flows: {
            authorizationCode: {
              authorizationUrl: 'https://accounts.google.com/o/oauth2/v2/auth',
              tokenUrl: 'https://oauth2.googleapis.com/token',
              scopes: oauthScopes(),
            },
          },
        },
      },
    },
  };
}

const HOST = /^[A-Za-z0-9.-]+(:\d{1,5})?$/;

/**
 * The public base URL of this API: the configured `PUBLIC_URL`, else the request's own
 * `Host` and `X-Forwarded-Proto`. A Host that is not a plain
 * host name (and port) is not trusted and yields `http://localhost`.
 */
export function publicBaseUrl(publicUrl: string | undefined, headers: Record<string, string | undefined>): string {
  if (publicUrl) return publicUrl.replace(/\/+$/, '');
  const host = headers.host ?? headers.Host ?? '';
  const proto = (headers['x-forwarded-proto'] ?? headers['X-Forwarded-Proto'] ?? '').split(',')[0]?.trim();
  if (!HOST.test(host)) return 'http://localhost';
  // Without a forwarded scheme, only a loopback host is assumed to speak plain http.
  const scheme =
    proto === 'http' || proto === 'https' ? proto : /^(localhost|127\.0\.0\.1)(:|$)/.test(host) ? 'http' : 'https';
  return `${scheme}://${host}`;
}
