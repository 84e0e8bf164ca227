import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { BrokerError } from '#lib/errors';
import { HttpResponse } from '#lib/http/response';
import { type SocketRequest, socketHandler } from '#lib/http/socket-handler';
import { type WebRequest, webHandler } from '#lib/http/web-handler';
import { OAuthError } from '#lib/oauth/errors';
import { endpoints } from '#lib/operations';
import { lambdaContext } from '../catalog/support.ts';
import { apiEvent, logsOfEachTest } from './support.ts';

/**
 * The pages/OAuth/MCP adapter and the agents' socket adapter on the one invocation
 * pipeline, invoked in-process as the runtime does: they decode once and render; the
 * failures they render come from the one mapping.
 */

const context = lambdaContext();
const logs = logsOfEachTest();

/** A form POST as a browser sends it, base64-encoded by API Gateway. */
function formEvent(fields: Record<string, string>): APIGatewayProxyEventV2 {
  const event = apiEvent('send-email', { headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  return {
    ...event,
    body: Buffer.from(new URLSearchParams(fields).toString()).toString('base64'),
    isBase64Encoded: true,
  };
}

function web(style: 'json' | 'page', run: (request: WebRequest) => Promise<HttpResponse>) {
  return webHandler(endpoints.issue_token, style, run);
}

describe('the web adapter', () => {
  it('decodes a base64 form body once and hands the fields over', async () => {
    let seen: WebRequest | undefined;
    const handler = web('json', async (request) => {
      seen = request;
      return new HttpResponse(200, { ok: true });
    });
    const answer = await handler(formEvent({ grant_type: 'refresh_token', scope: 'a b' }), context);
    expect(answer.statusCode).toBe(200);
    expect(seen?.text).toBe('grant_type=refresh_token&scope=a+b');
    expect(seen?.form.get('scope')).toBe('a b');
    expect(seen?.deadline.remainingMs()).toBeGreaterThan(0);
  });

  it("renders a protocol's own error as the endpoint's style asks: JSON, or a page", async () => {
    const refuse = async (): Promise<HttpResponse> => {
      throw new OAuthError('invalid_grant', 'The code was already used.');
    };
    const json = await web('json', refuse)(formEvent({}), context);
    expect(json.statusCode).toBe(400);
    expect(JSON.parse(json.body ?? '')).toEqual({
      error: 'invalid_grant',
      error_description: 'The code was already used.',
    });
    const page = await web('page', refuse)(formEvent({}), context);
    expect(page.statusCode).toBe(400);
    expect(page.headers?.['Content-Type']).toMatch(/^text\/html/);
    expect(page.body).toContain('The code was already used.');
    // An answer the protocol defines, logged as one request line, not as a failure.
    expect(
      logs
        .entries()
        .filter((entry) => entry.message === 'request')
        .map((entry) => entry.status),
    ).toEqual([400, 400]);
  });

  it('renders a BrokerError from the one mapping, and hides our own faults behind the request id', async () => {
    const limited = await web('json', async () => {
      throw new BrokerError('too_many_requests', 'Slow down.', { details: { retry_after_seconds: 7 } });
    })(formEvent({}), context);
    expect(limited.statusCode).toBe(429);
    expect(limited.headers?.['Retry-After']).toBe('7');
    expect(JSON.parse(limited.body ?? '')).toEqual({ error: 'too_many_requests', error_description: 'Slow down.' });

    const broken = await web('json', async () => {
      throw new Error('socket hang up at 10.0.4.7');
    })(formEvent({}), context);
    expect(broken.statusCode).toBe(500);
    expect(broken.body).not.toContain('10.0.4.7');
    expect(JSON.parse(broken.body ?? '').error_description).toBe(`Internal error. Request id: ${context.awsRequestId}`);
  });
});

describe('the socket adapter', () => {
  const event = (body: string, isBase64Encoded = false) => ({
    requestContext: { connectionId: 'conn-1', routeKey: '$default' },
    body: isBase64Encoded ? Buffer.from(body).toString('base64') : body,
    isBase64Encoded,
  });

  it('decodes a base64 message once and answers 200', async () => {
    const seen: SocketRequest[] = [];
    const handler = socketHandler('agent_socket_message', async (request) => {
      seen.push(request);
    });
    expect(await handler(event('{"type":"ping"}', true), context)).toEqual({ statusCode: 200 });
    expect(seen[0]).toMatchObject({ connectionId: 'conn-1', json: { type: 'ping' } });
  });

  it('answers the status the one mapping gives a failure (API Gateway reads only the status)', async () => {
    const handler = socketHandler('agent_socket_connect', async () => {
      throw new BrokerError('invalid_token', 'Bad signature.');
    });
    expect(await handler(event(''), context)).toEqual({ statusCode: 401 });
    expect(logs.entries().find((entry) => entry.message === 'request failed')).toMatchObject({
      operation: 'agent_socket_connect',
      status: 401,
      code: 'invalid_token',
    });
  });
});
