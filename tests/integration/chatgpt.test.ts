import { compileErrors, validate } from '@readme/openapi-parser';
import { describe, expect, inject, it } from 'vitest';
import { allOperations, type Operation, operations } from '#lib/operations';
import { deployedName } from '../../scripts/deployment.ts';
import { buildHttpEvent } from '../../scripts/invoke/event.ts';
import { failed, invokeFunction } from '../../scripts/invoke/lambda.ts';
import { apiUrl, emulator, get, newUser, post } from '../support/api.ts';
import { strictModeProblems } from '../unit/catalog/support.ts';

const DEMO_TOKEN = 'demo-token';
const toolNames = allOperations.filter((operation) => operation.tool).map((operation) => operation.name);

/** Invokes one deployed-style function on serverless-offline's Lambda port, as `npm run invoke` does. */
function invoke(operation: Operation, data: Record<string, unknown>, token?: string) {
  return invokeFunction(
    { functionName: deployedName('dev', operation.name), region: 'us-east-1', endpoint: inject('lambdaUrl') },
    buildHttpEvent({ operation, data, token }),
  );
}

describe('ChatGPT surfaces over HTTP', () => {
  it('GET /api/chatgpt/functions offers every tool in strict form and in the original list form', async () => {
    const response = await get('/api/chatgpt/functions');
    expect(response.status).toBe(200);
    expect(response.json.success).toBe(true);
    expect(response.json.tools.map((tool: { name: string }) => tool.name)).toEqual(toolNames);
    expect(response.json.functions.map((fn: { name: string }) => fn.name)).toEqual(toolNames);
    for (const tool of response.json.tools) expect(strictModeProblems(tool.parameters), tool.name).toEqual([]);
  });

  it('GET /openapi.json is a valid OpenAPI 3.1 document naming this server', async () => {
    const response = await get('/openapi.json');
    expect(response.status).toBe(200);
    const result = await validate(structuredClone(response.json));
    expect(result.valid, result.valid ? '' : compileErrors(result)).toBe(true);
    expect(new URL(response.json.servers[0].url).port).toBe(new URL(apiUrl).port);
  });

  it('GET /docs is the self-contained HTML reference', async () => {
    const response = await get('/docs');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    for (const name of toolNames) expect(response.text).toContain(`id="op-${name}"`);
    expect(response.text).not.toMatch(/<script/i);
  });
});

describe('POST /api/chatgpt/call', () => {
  it('runs a tool call exactly as the OpenAI API returns it (arguments as a JSON string)', async () => {
    // What a Responses API turn yields for a strict tool: every parameter present, null for "not given".
    const modelOutput = {
      type: 'function_call',
      call_id: 'call_1',
      name: 'get_unread_emails',
      arguments: '{"limit":2,"page_token":null,"query":null,"include_body":true}',
    };
    // The glue a client needs, with plain fetch: forward name and arguments, return the answer as the tool output.
    const response = await fetch(`${apiUrl}/api/chatgpt/call`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${DEMO_TOKEN}` },
      body: JSON.stringify({ name: modelOutput.name, arguments: modelOutput.arguments }),
    });
    const answer = (await response.json()) as { success: boolean; count: number; emails: unknown[] };
    expect(response.status).toBe(200);
    expect(answer.success).toBe(true);
    expect(answer.emails.length).toBeGreaterThan(0);
    expect(answer.emails.length).toBeLessThanOrEqual(2);
    expect(answer.count).toBe(answer.emails.length);
    expect(answer.emails[0]).toEqual(
      expect.objectContaining({ message_id: expect.any(String), subject: expect.any(String), is_unread: true }),
    );
    const toolOutput = { type: 'function_call_output', call_id: modelOutput.call_id, output: JSON.stringify(answer) };
    expect(toolOutput.output.length).toBeLessThan(100_000);
  });

  it('answers 400 for malformed arguments and 404 for an unknown tool', async () => {
    const bad = await post('/api/chatgpt/call', {
      token: DEMO_TOKEN,
      body: { name: 'get_unread_emails', arguments: '{"limit":' },
    });
    expect(bad.status).toBe(400);
    expect(bad.json.error.details).toEqual([expect.objectContaining({ field: 'arguments' })]);
    const unknown = await post('/api/chatgpt/call', {
      token: DEMO_TOKEN,
      body: { name: 'no_such_tool', arguments: {} },
    });
    expect(unknown.status).toBe(404);
    expect(unknown.json.error.details.known_tools).toEqual(expect.arrayContaining(toolNames));
  });
});

describe('npm run invoke (Lambda Invoke API on serverless-offline)', () => {
  it('reads: get_unread_emails answers the demo inbox', async () => {
    const result = await invoke(operations.get_unread_emails, { limit: 1 }, DEMO_TOKEN);
    expect(result.functionError).toBeUndefined();
    expect(result.status).toBe(200);
    expect(result.body).toMatchObject({ success: true, count: 1 });
    expect(failed(result)).toBe(false);
  });

  it('writes: send_email sends from the caller’s mailbox', async () => {
    const user = await newUser();
    const result = await invoke(
      operations.send_email,
      { to: 'ana@example.com', subject: 'Sent by invoke', body: 'Hello from the Lambda port.' },
      user.token,
    );
    expect(result.status).toBe(200);
    expect(result.body).toMatchObject({ success: true, data: { message_id: expect.any(String) } });
    const sent = await emulator.sent(user.email);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.raw).toContain('Subject: Sent by invoke');
  });

  it('reports a refused call as a failure', async () => {
    const result = await invoke(operations.get_unread_emails, { limit: 1 });
    expect(result.status).toBe(401);
    expect(failed(result)).toBe(true);
  });
});
