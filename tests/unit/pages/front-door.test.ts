import { describe, expect, it } from 'vitest';
import { operations } from '#lib/operations';
import { renderFrontDoor } from '#lib/pages/front-door';
import { handler } from '../../../functions/service_info.ts';
import { buildHttpEvent } from '../../../scripts/invoke/event.ts';
import { runHandler } from '../catalog/support.ts';

describe('the front door page', () => {
  it('names the OpenAPI address for GPT Actions, the MCP address, and links to the reference', () => {
    const html = renderFrontDoor('https://broker.example.com');
    expect(html).toContain('<code>https://broker.example.com/openapi.json</code>');
    expect(html).toContain('<code>https://broker.example.com/mcp</code>');
    expect(html).toContain('href="https://broker.example.com/docs"');
    expect(html).toContain('href="https://broker.example.com/account"');
    expect(html).not.toMatch(/<script|<link|src=|@import|url\(/i);
  });

  it('escapes the base URL wherever it appears', () => {
    const html = renderFrontDoor('https://x.example/"><script>alert(1)</script>');
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('x.example/"');
    expect(html).toContain('&#34;&#62;&#60;script&#62;');
  });

  it('answers a browser with the page and a program with JSON, both varying on Accept', async () => {
    const event = buildHttpEvent({ operation: operations.service_info, data: {} });
    const browser = await runHandler(handler, {
      ...event,
      headers: { ...event.headers, accept: 'text/html,*/*;q=0.8', host: 'localhost:3000' },
    });
    expect(browser.headers['Content-Type']).toMatch(/^text\/html/);
    expect(browser.headers['Content-Security-Policy']).toContain("frame-ancestors 'none'");
    expect(browser.headers.Vary).toBe('Accept');
    expect(browser.text).toContain('http://localhost:3000/mcp');
    const program = await runHandler(handler, event);
    expect(program.headers.Vary).toBe('Accept');
    expect(program.json).toMatchObject({ success: true, message: 'ChatGPT Backend Broker' });
  });
});
