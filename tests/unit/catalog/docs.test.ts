import { describe, expect, it } from 'vitest';
import { escapeHtml, fieldRows, renderDocsPage, typeLabel } from '#lib/catalog/docs';
import { buildOpenApiDocument, documentedOperations } from '#lib/catalog/openapi';
import { allOperations, allTools, SCOPES } from '#lib/operations';
import { handler } from '../../../functions/get_docs_page.ts';
import { buildHttpEvent } from '../../../scripts/invoke/event.ts';
import { runHandler } from './support.ts';

const document = buildOpenApiDocument('https://broker.example.com');
const page = renderDocsPage(document);

describe('the docs page', () => {
  it('lists every documented operation with its method, path, summary and consequential flag', () => {
    for (const operation of documentedOperations()) {
      expect(page).toContain(`id="op-${operation.name}"`);
      expect(page).toContain(`${operation.method}</span> <code>${escapeHtml(operation.path)}</code>`);
      expect(page).toContain(escapeHtml(operation.summary));
    }
    const send = page.slice(
      page.indexOf('id="op-send_email"'),
      page.indexOf('</section>', page.indexOf('id="op-send_email"')),
    );
    expect(send).toContain('consequential: ChatGPT asks the user before every call');
    expect(send).toContain('<code>attachments[].filename</code>');
    expect(send).toContain(SCOPES.send);
  });

  it("shows each tool's title, the name the consent page and MCP clients show people", () => {
    for (const tool of allTools) {
      const start = page.indexOf(`id="op-${tool.name}"`);
      const section = page.slice(start, page.indexOf('</section>', start));
      expect(section).toContain(`Tool: <strong>${escapeHtml(tool.tool.title)}</strong>`);
    }
  });

  it('tables each request field with its type, whether it is required, and its description', () => {
    const unread = page.slice(page.indexOf('id="op-get_unread_emails"'));
    expect(unread).toMatch(
      /<td><code>limit<\/code><\/td><td><code>integer \| null<\/code>.*<\/td><td>no<\/td><td>How many emails/,
    );
    const status = page.slice(page.indexOf('id="op-get_launch_status"'));
    expect(status).toContain('<code>job_id (path)</code>');
  });

  it('links to the OpenAPI document, names the MCP address, and loads nothing from elsewhere', () => {
    expect(page).toContain('href="https://broker.example.com/openapi.json"');
    expect(page).toContain('<code>https://broker.example.com/mcp</code>');
    expect(page).not.toMatch(/<script|<link|src=|@import|url\(/i);
  });

  it('escapes whatever the document holds', () => {
    const hostile = buildOpenApiDocument('https://broker.example.com');
    const send = hostile.paths['/api/email/send']?.post;
    if (!send?.requestBody) throw new Error('send_email has no request body');
    send.description = '<script>alert("x")</script> & more';
    send.summary = '"><img src=x onerror=alert(1)>';
    const schema = send.requestBody.content['application/json'].schema as {
      properties: Record<string, { description?: string }>;
    };
    const subject = schema.properties.subject;
    if (subject) subject.description = '</td><script>steal()</script>';
    const html = renderDocsPage(hostile);
    expect(html).not.toContain('<script');
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; more');
    expect(html).toContain('&quot;&gt;&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('&lt;/td&gt;&lt;script&gt;steal()&lt;/script&gt;');
  });
});

describe('typeLabel and fieldRows', () => {
  it('write types the way a reader would', () => {
    expect(
      typeLabel({ anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }, { type: 'null' }] }),
    ).toBe('string | string[] | null');
    expect(typeLabel({ type: 'string', enum: ['a', 'b'] })).toBe('"a" | "b"');
    expect(typeLabel({ type: 'array', items: { anyOf: [{ type: 'string' }, { type: 'boolean' }] } })).toBe(
      '(string | boolean)[]',
    );
    expect(typeLabel({ type: 'string', format: 'email' })).toBe('string (email)');
    expect(typeLabel({})).toBe('any');
  });

  it('flatten nested objects and arrays of objects', () => {
    const rows = fieldRows({
      type: 'object',
      properties: { a: { type: 'object', properties: { b: { type: 'string' } }, required: ['b'] } },
      required: ['a'],
    });
    expect(rows.map((row) => [row.name, row.required])).toEqual([
      ['a', true],
      ['a.b', true],
    ]);
  });
});

describe('GET /docs', () => {
  it('answers the page as HTML that may run no scripts', async () => {
    const operation = allOperations.find((candidate) => candidate.path === '/docs');
    if (!operation) throw new Error('no /docs operation');
    const response = await runHandler(handler, buildHttpEvent({ operation, data: {} }));
    expect(response.status).toBe(200);
    expect(response.headers['Content-Type']).toBe('text/html; charset=utf-8');
    expect(response.headers['Content-Security-Policy']).toContain("default-src 'none'");
    expect(response.headers['Content-Security-Policy']).toContain("frame-ancestors 'none'");
    expect(response.headers['X-Frame-Options']).toBe('DENY');
    expect(response.text).toMatch(/^<!doctype html>/);
    expect(response.text).toContain('id="op-send_email"');
  });
});
