import { describe, expect, it } from 'vitest';
import { BrokerError } from '#lib/errors';
import { SCOPES } from '#lib/google/scopes';
import { apiHandler } from '#lib/http/api-handler';
import { operations } from '#lib/operations';
import { lambdaContext, runHandler } from '../catalog/support.ts';
import { apiEvent, logsOfEachTest } from './support.ts';

/** How the stack answers what a handler throws: the one error model, end to end. */

const context = lambdaContext();
const failing = (error: unknown) =>
  apiHandler(operations.get_unread_emails, async () => {
    throw error;
  });

const logs = logsOfEachTest();

describe('errors a handler throws', () => {
  it('a missing scope: 403 naming the scope, in the body and in the Bearer challenge', async () => {
    const error = new BrokerError('insufficient_scope', 'Grant Gmail read access.', {
      details: { scope: SCOPES.read },
    });
    const answer = await runHandler(failing(error), apiEvent('send-email'));
    expect(answer.status).toBe(403);
    expect(answer.json).toEqual({
      success: false,
      error: { code: 'insufficient_scope', message: 'Grant Gmail read access.', details: { scope: SCOPES.read } },
    });
    expect(answer.headers['WWW-Authenticate']).toMatch(
      new RegExp(`^Bearer .*error="insufficient_scope".*scope="${SCOPES.read.replaceAll('.', '\\.')}"`),
    );
  });

  it("Google's rate limit after retries: 503 with Retry-After, so callers back off", async () => {
    const answer = await runHandler(failing(new BrokerError('rate_limited', 'Gmail is busy.')), apiEvent('send-email'));
    expect(answer.status).toBe(503);
    expect(Number(answer.headers['Retry-After'])).toBeGreaterThan(0);
    expect(answer.json.error.code).toBe('rate_limited');
  });

  it('an upstream failure: 502 with its caller-safe message, logged as a warning', async () => {
    const answer = await runHandler(
      failing(new BrokerError('upstream_error', 'Gmail did not answer.', { cause: new Error('socket hang up') })),
      apiEvent('send-email'),
    );
    expect(answer.status).toBe(502);
    expect(answer.json.error).toEqual({ code: 'upstream_error', message: 'Gmail did not answer.' });
    expect(answer.text).not.toContain('socket hang up');
    expect(logs.entries()).toContainEqual(
      expect.objectContaining({ level: 'WARN', status: 502, code: 'upstream_error' }),
    );
  });

  it.each([
    ['an internal BrokerError', new BrokerError('internal', 'table scan of USER#42 failed', { details: { id: 42 } })],
    ['a thrown string', 'USER#42 went wrong'],
  ])('%s: a generic 500 without message or details, naming the request id', async (_, error) => {
    const answer = await runHandler(failing(error), apiEvent('send-email'));
    expect(answer.status).toBe(500);
    expect(answer.json).toEqual({
      success: false,
      error: { code: 'internal', message: `Internal error. Request id: ${context.awsRequestId}` },
    });
    expect(logs.entries()).toContainEqual(
      expect.objectContaining({ level: 'ERROR', status: 500, function_request_id: context.awsRequestId }),
    );
  });
});
