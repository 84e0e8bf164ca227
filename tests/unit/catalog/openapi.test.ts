import { compileErrors, validate } from '@readme/openapi-parser';
import { describe, expect, it } from 'vitest';
import { inputJsonSchema } from '#lib/catalog/json-schema';
import {
  buildOpenApiDocument,
  documentedOperations,
  MAX_ACTIONS_TEXT,
  type OpenApiOperation,
  publicBaseUrl,
} from '#lib/catalog/openapi';
import { getConfig } from '#lib/config';
import { allOperations, operations, SCOPES } from '#lib/operations';
import { handler } from '../../../functions/get_openapi_document.ts';
import { buildHttpEvent } from '../../../scripts/invoke/event.ts';
import { runHandler } from './support.ts';

const document = buildOpenApiDocument('https://broker.example.com/');
const entries = Object.entries(document.paths).flatMap(([path, item]) =>
  Object.entries(item).map(([method, operation]) => ({ path, method, operation })),
);

/** Every `description` inside a schema, with where it is. */
function descriptionsIn(value: unknown, path = ''): Array<[string, string]> {
  if (Array.isArray(value)) return value.flatMap((item, index) => descriptionsIn(item, `${path}[${index}]`));
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, inner]) =>
    key === 'description' && typeof inner === 'string'
      ? [[path, inner] as [string, string]]
      : descriptionsIn(inner, `${path}.${key}`),
  );
}

describe('the OpenAPI document', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    const result = await validate(structuredClone(document) as never);
    expect(result.valid, result.valid ? '' : compileErrors(result)).toBe(true);
    expect(document.openapi).toBe('3.1.0');
  });

  it('lists every operation but the signed agent protocol, with operationId = the registry name', () => {
    const ids = entries.map(({ operation }) => operation.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.sort()).toEqual(
      documentedOperations()
        .map((operation) => operation.name)
        .sort(),
    );
    expect(ids).not.toContain('poll_agent_jobs');
    expect(ids).not.toContain('report_agent_result');
    for (const operation of allOperations.filter((candidate) => candidate.auth !== 'agent')) {
      expect(document.paths[operation.path]?.[operation.method.toLowerCase()]?.operationId).toBe(operation.name);
    }
  });

  it('keeps summaries and descriptions within GPT Actions limits', () => {
    for (const { operation } of entries) {
      expect(operation.summary.length).toBeGreaterThan(0);
      expect(operation.summary.length).toBeLessThanOrEqual(MAX_ACTIONS_TEXT);
      expect(operation.description.length).toBeLessThanOrEqual(MAX_ACTIONS_TEXT);
    }
    for (const [where, text] of descriptionsIn(document.paths)) {
      expect(text.length, where).toBeLessThanOrEqual(700);
    }
    expect(JSON.stringify(document).length).toBeLessThan(60_000);
  });

  it('marks what sends, changes or deletes mail, launches, pairs and unpairs consequential, and says false on everything else', () => {
    const consequential = entries
      .filter(({ operation }) => operation['x-openai-isConsequential'] === true)
      .map(({ operation }) => operation.operationId)
      .sort();
    expect(consequential).toEqual([
      'call_tool',
      'delete_draft',
      'launch_app',
      'modify_emails',
      'pair_computer',
      'reply_to_email',
      'send_draft',
      'send_email',
      'unpair_computer',
    ]);
    // Drafting and reading never act on the world: ChatGPT need not ask before them.
    expect(document.paths['/api/email/drafts/create']?.post?.['x-openai-isConsequential']).toBe(false);
    for (const { operation } of entries) expect(typeof operation['x-openai-isConsequential']).toBe('boolean');
    expect(document.paths['/api/email/unread']?.post?.['x-openai-isConsequential']).toBe(false);
  });

  it('asks for Google OAuth with each operation’s own scopes, and none on public routes', () => {
    const scheme = document.components.securitySchemes.googleOAuth as any;
    expect(scheme.type).toBe('oauth2');
    expect(scheme.flows.authorizationCode.authorizationUrl).toBe('https://accounts.google.com/o/oauth2/v2/auth');
    expect(scheme.flows.authorizationCode.tokenUrl).toBe('https://oauth2.googleapis.com/token');
    const declared = Object.keys(scheme.flows.authorizationCode.scopes);
    expect(declared).toEqual(expect.arrayContaining(['openid', 'email', SCOPES.send, SCOPES.read, SCOPES.email]));
    for (const operation of documentedOperations()) {
      const documented = document.paths[operation.path]?.[operation.method.toLowerCase()] as OpenApiOperation;
      if (operation.auth === 'google') {
        expect(documented.security).toEqual([{ googleOAuth: operation.scopes }]);
        for (const scope of operation.scopes) expect(declared).toContain(scope);
      } else {
        expect(documented.security).toEqual([]);
      }
    }
    expect(document.paths['/api/email/send']?.post?.security).toEqual([{ googleOAuth: [SCOPES.send] }]);
  });

  it('publishes the request schemas that validate calls, and GET input as path and query parameters', () => {
    const send = document.paths['/api/email/send']?.post;
    expect(send?.requestBody?.content['application/json'].schema).toEqual(
      inputJsonSchema(operations.send_email.request),
    );
    const status = document.paths['/api/app/jobs/{job_id}']?.get;
    expect(status?.requestBody).toBeUndefined();
    expect(status?.parameters).toEqual([expect.objectContaining({ name: 'job_id', in: 'path', required: true })]);
    expect(JSON.stringify(document)).not.toContain('"$schema"');
  });

  it('answers errors with the one shared error envelope', () => {
    for (const { operation } of entries) {
      expect(operation.responses['4XX']).toEqual({ $ref: '#/components/responses/Error' });
      expect(operation.responses['5XX']).toEqual({ $ref: '#/components/responses/Error' });
    }
    expect(document.components.schemas.Error).toMatchObject({
      properties: { success: { type: 'boolean', const: false }, error: { required: ['code', 'message'] } },
    });
  });

  it('names the server without a trailing slash', () => {
    expect(document.servers).toEqual([{ url: 'https://broker.example.com' }]);
  });
});

describe('publicBaseUrl', () => {
  it('prefers the configured PUBLIC_URL', () => {
    expect(publicBaseUrl('https://api.example.com/', { host: 'other.example.com' })).toBe('https://api.example.com');
  });

  it('falls back to the request host and forwarded scheme', () => {
    expect(
      publicBaseUrl(undefined, { host: 'abc.execute-api.us-east-1.amazonaws.com', 'x-forwarded-proto': 'https' }),
    ).toBe('https://abc.execute-api.us-east-1.amazonaws.com');
    expect(publicBaseUrl(undefined, { host: 'localhost:3000' })).toBe('http://localhost:3000');
    expect(publicBaseUrl(undefined, { host: 'api.example.com' })).toBe('https://api.example.com');
  });

  it('does not trust a Host header that is not a host name', () => {
    expect(publicBaseUrl(undefined, { host: 'evil.com/"><script>' })).toBe('http://localhost');
    expect(publicBaseUrl(undefined, {})).toBe('http://localhost');
  });
});

describe('GET /openapi.json', () => {
  it('answers the document itself (no success envelope) for this server', async () => {
    const operation = allOperations.find((candidate) => candidate.path === '/openapi.json');
    if (!operation) throw new Error('no /openapi.json operation');
    const event = buildHttpEvent({ operation, data: {} });
    event.headers = { ...event.headers, host: 'localhost:3999' };
    const response = await runHandler(handler, event);
    expect(response.status).toBe(200);
    expect(response.headers['Content-Type']).toMatch(/^application\/json/);
    expect(response.json.openapi).toBe('3.1.0');
    expect(response.json.success).toBeUndefined();
    expect(response.json.servers).toEqual([{ url: publicBaseUrl(getConfig().PUBLIC_URL, event.headers) }]);
  });
});
