import { describe, expect, it } from 'vitest';
import { parseConfig } from '#lib/config';
import { currentDeadline, SAFETY_MARGIN_MS } from '#lib/deadline';
import { BrokerError } from '#lib/errors';
import { type ApiRequest, apiHandler } from '#lib/http/api-handler';
import { withStatus } from '#lib/http/response';
import { logger } from '#lib/log';
import { type Operation, operations } from '#lib/operations';
import { lambdaContext, runHandler } from '../catalog/support.ts';
import { apiEvent, bearerOf, logsOfEachTest } from './support.ts';

/**
 * The REST adapter on the one invocation pipeline, built with real operations from the
 * registry and invoked in-process on recorded API Gateway v2 events: only the operation's
 * `run` is ours, and it records what it was given.
 */

type Seen = ApiRequest<unknown>;

/** A handler on the real stack whose `run` records its request and answers `answer`. */
function recordingHandler(operation: Operation, answer: (request: Seen) => Promise<object> = async () => ({})) {
  const seen: Seen[] = [];
  const handler = apiHandler(operation, async (request) => {
    seen.push(request);
    return answer(request);
  });
  return { handler, seen };
}

// send_email's entry (its recorded event fits it) without `once`: these tests are about the adapter;
// sending once has its own (run-action.test.ts), on a table.
const { once: _sendsOnce, ...sending } = operations.send_email;

const context = lambdaContext();
const token = bearerOf(apiEvent('send-email'));
const allowedOrigin = parseConfig({}).CORS_ORIGINS[0] ?? '';

const logs = logsOfEachTest();

describe('the request body', () => {
  it('reaches the handler exactly as received (raw) and parsed and validated', async () => {
    const event = apiEvent('send-email');
    const received = event.body; // the stack parses event.body in place
    const { handler, seen } = recordingHandler(sending);
    const answer = await runHandler(handler, event);
    expect(answer.status).toBe(200);
    expect(seen[0]?.rawBody).toBe(received);
    expect(seen[0]?.body).toEqual({
      to: 'ada@example.com',
      subject: 'Lunch on Friday?',
      body: 'Are you free at noon?',
    });
  });

  it('is decoded from base64 when API Gateway encoded it, and the raw body is the decoded text', async () => {
    const event = apiEvent('unread-emails-body-credentials');
    expect(event.isBase64Encoded).toBe(true);
    const decoded = Buffer.from(event.body ?? '', 'base64').toString('utf8');
    const { handler, seen } = recordingHandler(operations.get_unread_emails);
    expect((await runHandler(handler, event)).status).toBe(200);
    expect(seen[0]?.rawBody).toBe(decoded);
    expect(seen[0]?.body).toMatchObject({ limit: 2 });
  });

  it('is read as {} when empty', async () => {
    const { handler, seen } = recordingHandler(operations.get_unread_emails);
    const answer = await runHandler(handler, apiEvent('send-email', { body: '' }));
    expect(answer.status).toBe(200);
    expect(seen[0]).toMatchObject({ rawBody: '', body: {} });
  });

  it('answers malformed JSON with 400 invalid_json in the error shape, and never runs the handler', async () => {
    const { handler, seen } = recordingHandler(sending);
    const answer = await runHandler(handler, apiEvent('send-email', { body: '{"to": "ada@example.com", ' }));
    expect(answer.status).toBe(400);
    expect(answer.headers['Content-Type']).toMatch(/^application\/json/);
    expect(answer.json).toEqual({
      success: false,
      error: { code: 'invalid_json', message: expect.stringMatching(/not valid JSON/) },
    });
    expect(seen).toHaveLength(0);
  });

  it('answers schema failures with 400 (not 422) and one {field, message} per bad field', async () => {
    const { handler, seen } = recordingHandler(sending);
    const body = JSON.stringify({
      to: ['ada@example.com', 'not an address'],
      subject: 'Hello\r\nBcc: everyone@example.com',
      attachments: [{ filename: 'notes.txt', content_type: 'text', data: 'aGVsbG8=' }],
    });
    const answer = await runHandler(handler, apiEvent('send-email', { body }));
    expect(answer.status).toBe(400);
    expect(answer.json).toMatchObject({ success: false, error: { code: 'invalid_request' } });
    const details: Array<{ field: string; message: string }> = answer.json.error.details;
    expect(details.map((detail) => detail.field).sort()).toEqual(
      ['attachments[0].content_type', 'body', 'subject', 'to[1]'].sort(),
    );
    for (const detail of details) expect(Object.keys(detail).sort()).toEqual(['field', 'message']);
    expect(details.find((detail) => detail.field === 'subject')?.message).toMatch(/line breaks/);
    expect(seen).toHaveLength(0);
  });
});

describe('GET operations', () => {
  it('take their input from the path parameters and validate it', async () => {
    const event = apiEvent('launch-status');
    const { handler, seen } = recordingHandler(operations.get_launch_status);
    expect((await runHandler(handler, event)).status).toBe(200);
    expect(seen[0]?.body).toEqual({ job_id: event.pathParameters?.job_id });

    const traversal = { ...event, pathParameters: { job_id: '..%2F..%2Fetc%2Fpasswd' } };
    const refused = await runHandler(handler, traversal);
    expect(refused.status).toBe(400);
    expect(refused.json.error.details).toEqual([{ field: 'job_id', message: expect.any(String) }]);
    expect(seen).toHaveLength(1);
  });
});

describe('answers', () => {
  it('wrap a plain result in the success envelope with 200, and keep the status a Reply asks for', async () => {
    const plain = recordingHandler(sending, async () => ({ message: 'sent', data: { n: 1 } }));
    const answer = await runHandler(plain.handler, apiEvent('send-email'));
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({ success: true, message: 'sent', data: { n: 1 } });

    const accepted = recordingHandler(sending, async () => withStatus(202, { message: 'later' }));
    const pending = await runHandler(accepted.handler, apiEvent('send-email'));
    expect(pending.status).toBe(202);
    expect(pending.json).toEqual({ success: true, message: 'later' });
  });

  it("hide an unexpected failure's cause behind a generic 500 naming the request id, which the log line carries", async () => {
    const { handler } = recordingHandler(sending, async ({ credentials }) => {
      throw new Error(`connect ECONNREFUSED 10.0.4.7:443 (Authorization: Bearer ${credentials.accessToken})`);
    });
    const answer = await runHandler(handler, apiEvent('send-email'));
    expect(answer.status).toBe(500);
    expect(answer.json).toEqual({
      success: false,
      error: { code: 'internal', message: `Internal error. Request id: ${context.awsRequestId}` },
    });
    expect(answer.text).not.toMatch(/ECONNREFUSED|10\.0\.4\.7/);
    expect(answer.text).not.toContain(token);

    const failure = logs.entries().find((entry) => entry.message === 'request failed');
    expect(failure).toMatchObject({
      level: 'ERROR',
      operation: operations.send_email.name,
      status: 500,
      function_request_id: context.awsRequestId,
      errorMessage: expect.stringContaining('ECONNREFUSED'),
    });
    expect(failure?.errorMessage).toContain('[redacted]');
  });
});

describe('CORS', () => {
  it('names an allowed origin on success and on failure', async () => {
    const { handler } = recordingHandler(sending);
    const headers = { origin: allowedOrigin };
    const ok = await runHandler(handler, apiEvent('send-email', { headers }));
    expect(ok.headers['Access-Control-Allow-Origin']).toBe(allowedOrigin);
    expect(ok.headers['Access-Control-Allow-Headers']).toMatch(/Authorization/);
    expect(ok.headers.Vary).toBe('Origin');
    const malformed = await runHandler(handler, apiEvent('send-email', { headers, body: '{' }));
    expect(malformed.status).toBe(400);
    expect(malformed.headers['Access-Control-Allow-Origin']).toBe(allowedOrigin);
  });

  it('never names an origin outside the allowed list, nor a missing one', async () => {
    const { handler, seen } = recordingHandler(sending);
    const denied = await runHandler(
      handler,
      apiEvent('send-email', { headers: { origin: 'https://chatgpt.com.evil.example' } }),
    );
    expect(denied.headers['Access-Control-Allow-Origin']).toBeUndefined();
    const none = await runHandler(handler, apiEvent('send-email', { headers: { origin: undefined } }));
    expect(none.headers['Access-Control-Allow-Origin']).toBeUndefined();
    // CORS is the browser's rule, not an access check: the request itself still runs.
    expect(seen).toHaveLength(2);
  });
});

describe('log lines', () => {
  it("carry the operation, status and request id, and never the caller's token", async () => {
    const { handler } = recordingHandler(sending, async ({ credentials }) => {
      if (credentials.accessToken) throw new Error(`Gmail refused ${credentials.accessToken}`);
      return {};
    });
    await runHandler(handler, apiEvent('send-email'));
    await runHandler(handler, apiEvent('send-email', { body: '{"to": 1}' }));
    await runHandler(handler, apiEvent('send-email', { body: '{' }));
    const entries = logs.entries();
    expect(entries.map((entry) => entry.status)).toEqual([500, 400, 400]);
    for (const entry of entries) {
      expect(entry).toMatchObject({ operation: operations.send_email.name, function_request_id: context.awsRequestId });
    }
    expect(logs.text()).not.toContain(token);
  });
});

describe('the deadline', () => {
  it("comes from the context's remaining time, and a Google call cut by it answers 504 deadline_exceeded", async () => {
    const { handler, seen } = recordingHandler(sending, async (request) => {
      // What a Gmail call does: wait for Google until the invocation's signal aborts it.
      await new Promise((resolve) => currentDeadline().signal.addEventListener('abort', resolve));
      expect(currentDeadline()).toBe(request.deadline);
      throw new BrokerError('upstream_error', 'Gmail did not answer in time; try again.');
    });
    const started = Date.now();
    const remaining = SAFETY_MARGIN_MS + 200;
    const answer = await handler(apiEvent('send-email'), { ...context, getRemainingTimeInMillis: () => remaining });
    expect(answer.statusCode).toBe(504);
    expect(JSON.parse(answer.body ?? '')).toEqual({
      success: false,
      error: { code: 'deadline_exceeded', message: expect.stringMatching(/ran out of time/) },
    });
    expect(seen[0]?.deadline.at).toBeGreaterThanOrEqual(started + 200);
    expect(seen[0]?.deadline.at).toBeLessThanOrEqual(Date.now());
  });

  it('leaves a Google failure before the deadline as it is (502)', async () => {
    const { handler } = recordingHandler(sending, async () => {
      throw new BrokerError('upstream_error', 'Gmail did not answer in time; try again.');
    });
    const answer = await runHandler(handler, apiEvent('send-email'));
    expect(answer.status).toBe(502);
    expect(answer.json.error.code).toBe('upstream_error');
  });
});

describe('the logger', () => {
  it("carries one invocation's keys on its own lines only (reset after each, as Powertools' middleware did)", async () => {
    const { handler } = recordingHandler(sending, async ({ body }) => {
      if ((body as { subject?: string }).subject === 'tagged') logger.appendKeys({ tag: 'first' });
      return {};
    });
    await runHandler(
      handler,
      apiEvent('send-email', { body: JSON.stringify({ to: 'a@example.com', subject: 'tagged', body: 'x' }) }),
    );
    await runHandler(handler, apiEvent('send-email'));
    const lines = logs.entries().filter((entry) => entry.message === 'request');
    expect(lines.map((entry) => entry.tag)).toEqual(['first', undefined]);
  });
});
