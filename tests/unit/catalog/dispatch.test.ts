import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { $ZodError } from 'zod/v4/core';
import { toolRunnerMap as runners } from '#lib/actions/tools';
import { dispatchToolCall, parseToolArguments, toolRunner, toolRunners } from '#lib/catalog/dispatch';
import { getConfig } from '#lib/config';
import { deadlineOf } from '#lib/deadline';
import type { ApiRequest } from '#lib/http/api-handler';
import { allOperations, operations } from '#lib/operations';
import { handler } from '../../../functions/call_tool.ts';
import { buildHttpEvent } from '../../../scripts/invoke/event.ts';
import { thrownBrokerError } from '../../support/broker-error.ts';
import { lambdaContext, runHandler } from './support.ts';

const credentials = { accessToken: 'caller-token-123' };

function request(): ApiRequest<unknown> {
  return {
    body: {},
    rawBody: '',
    event: {} as APIGatewayProxyEventV2,
    config: getConfig(),
    credentials,
    context: lambdaContext(),
    deadline: deadlineOf(lambdaContext()),
    idempotencyKey: undefined,
  };
}

/** Runners that record what they were given (and which actions they loaded) instead of calling Gmail. */
function recordingRunners() {
  const seen: Array<{ name: string; body: unknown; credentials: unknown }> = [];
  const loaded: string[] = [];
  const map = toolRunners([
    toolRunner(operations.get_unread_emails, async () => {
      loaded.push('unread');
      return async ({ body, credentials: given }) => {
        seen.push({ name: 'unread', body, credentials: given });
        return { count: 0, emails: [], next_page_token: null };
      };
    }),
    toolRunner(operations.send_email, async () => {
      loaded.push('send');
      return async ({ body }) => {
        seen.push({ name: 'send', body, credentials });
        return { message: 'sent', data: { message_id: 'm1', thread_id: 't1' } };
      };
    }),
  ]);
  return { seen, loaded, map };
}

describe('parseToolArguments', () => {
  it('takes the JSON string OpenAI returns, or the object itself', () => {
    expect(parseToolArguments('{"limit":2,"query":null}')).toEqual({ limit: 2, query: null });
    expect(parseToolArguments({ limit: 2 })).toEqual({ limit: 2 });
  });

  it('treats absent or empty arguments as no arguments', () => {
    expect(parseToolArguments(undefined)).toEqual({});
    expect(parseToolArguments(null)).toEqual({});
    expect(parseToolArguments('  ')).toEqual({});
  });

  it('refuses text that is not JSON with a 400 naming the arguments field', () => {
    const error = thrownBrokerError(() => parseToolArguments('{"limit": 2'));
    expect(error.kind).toBe('invalid_request');
    expect(error.message).toMatch(/not valid JSON/);
    expect(error.details).toEqual([expect.objectContaining({ field: 'arguments' })]);
  });

  it('refuses JSON that is not an object', () => {
    for (const text of ['[1,2]', '42', 'null', '"text"']) {
      expect(thrownBrokerError(() => parseToolArguments(text)).kind).toBe('invalid_request');
    }
  });
});

describe('dispatchToolCall', () => {
  it('runs the named tool with validated arguments and the caller’s own credentials', async () => {
    const { seen, loaded, map } = recordingRunners();
    const answer = await dispatchToolCall(
      { name: 'get_unread_emails', arguments: '{"limit":2,"page_token":null,"query":null,"include_body":true}' },
      map,
      request(),
    );
    expect(answer).toEqual({ count: 0, emails: [], next_page_token: null });
    expect(seen).toEqual([
      { name: 'unread', body: { limit: 2, page_token: null, query: null, include_body: true }, credentials },
    ]);
    // Only the called tool's action was loaded.
    expect(loaded).toEqual(['unread']);
  });

  it('drops credentials smuggled into the arguments: the token only comes from the request', async () => {
    const { seen, map } = recordingRunners();
    await dispatchToolCall(
      { name: 'get_unread_emails', arguments: { limit: 1, user_credentials: { access_token: 'someone-else' } } },
      map,
      request(),
    );
    expect(seen[0]?.body).toEqual({ limit: 1 });
    expect(seen[0]?.credentials).toBe(credentials);
  });

  it('rejects arguments the operation’s schema rejects, naming the field, before loading the action', async () => {
    const { seen, loaded, map } = recordingRunners();
    const failure = dispatchToolCall({ name: 'get_unread_emails', arguments: { limit: 0 } }, map, request());
    await expect(failure).rejects.toBeInstanceOf($ZodError);
    await expect(failure).rejects.toMatchObject({ issues: [expect.objectContaining({ path: ['limit'] })] });
    expect(seen).toEqual([]);
    expect(loaded).toEqual([]);
  });

  it('answers an unknown tool with not_found and the list of known tools', async () => {
    const { map } = recordingRunners();
    const failure = dispatchToolCall({ name: 'delete_everything', arguments: {} }, map, request());
    await expect(failure).rejects.toMatchObject({
      kind: 'not_found',
      details: { known_tools: ['get_unread_emails', 'send_email'] },
    });
  });

  it('refuses two runners for one tool', () => {
    const load = async () => async () => ({});
    expect(() =>
      toolRunners([toolRunner(operations.pair_computer, load), toolRunner(operations.pair_computer, load)]),
    ).toThrow(/two runners/);
  });
});

describe('the call_tool runners', () => {
  it('cover every tool in the registry, each with its own operation, and nothing else', () => {
    const tools = allOperations.filter((operation) => operation.tool);
    expect([...runners.keys()].sort()).toEqual(tools.map((operation) => operation.name).sort());
    for (const operation of tools) expect(runners.get(operation.name)?.operation).toBe(operation);
  });
});

describe('POST /api/chatgpt/call', () => {
  const call = (data: Record<string, unknown>, token: string | null = 'caller-token-123') =>
    runHandler(handler, buildHttpEvent({ operation: operations.call_tool, data, token: token ?? undefined }));

  it('answers 400 invalid_request when the arguments are not JSON', async () => {
    const response = await call({ name: 'get_unread_emails', arguments: '{limit: 2}' });
    expect(response.status).toBe(400);
    expect(response.json.error).toMatchObject({ code: 'invalid_request', details: [{ field: 'arguments' }] });
  });

  it('answers 400 with the failing fields when the arguments do not validate', async () => {
    const response = await call({ name: 'get_unread_emails', arguments: '{"limit": 500}' });
    expect(response.status).toBe(400);
    expect(response.json.error.details).toEqual([expect.objectContaining({ field: 'limit' })]);
  });

  it('answers 404 for an unknown tool, listing the tools', async () => {
    const response = await call({ name: 'format_disk', arguments: '{}' });
    expect(response.status).toBe(404);
    expect(response.json.error.details.known_tools).toContain('send_email');
  });

  it('answers 401 without the caller’s token', async () => {
    const response = await call({ name: 'get_unread_emails', arguments: '{}' }, null);
    expect(response.status).toBe(401);
    expect(response.headers['WWW-Authenticate']).toMatch(/^Bearer/);
  });
});
