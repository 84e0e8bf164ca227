import { gaxios } from 'google-auth-library';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from '#lib/config';
import { BrokerError } from '#lib/errors';
import { createGmailClient } from '#lib/gmail/client';
import { toBrokerError } from '#lib/gmail/errors';
import { sendEmail } from '#lib/gmail/send';
import { type FakeGmail, googleError, startFakeGmail } from './fake-gmail.ts';

const TOKEN = 'ya29.SECRET-access-token-do-not-leak';
const REFRESH = '1//SECRET-refresh-token-do-not-leak';

/** A gaxios error as the client throws it, before any redaction, token in its headers. */
function gaxiosError(status: number | undefined, data?: unknown, options: { code?: string; method?: string } = {}) {
  const config = {
    url: new URL('https://gmail.googleapis.com/gmail/v1/users/me/messages/send'),
    method: options.method ?? 'POST',
    headers: new Headers({ Authorization: `Bearer ${TOKEN}` }),
    data: `refresh_token=${REFRESH}&grant_type=refresh_token`,
  } as gaxios.GaxiosOptionsPrepared;
  const response =
    status === undefined
      ? undefined
      : ({ status, data, headers: new Headers(), config, bodyUsed: true } as unknown as gaxios.GaxiosResponse);
  const message = typeof data === 'object' && data !== null ? JSON.stringify(data) : `failed with ${TOKEN}`;
  const error = new gaxios.GaxiosError(message, config, response);
  if (options.code) error.code = options.code;
  return error;
}

const gmailError = (status: number, message: string, reason?: string) => ({
  error: { code: status, message, ...(reason ? { errors: [{ reason, message, domain: 'global' }] } : {}) },
});

function expectNoSecrets(error: BrokerError) {
  const visible = [error.message, JSON.stringify(error.details ?? null), JSON.stringify(error.cause ?? null)].join(
    '\n',
  );
  expect(visible).not.toContain(TOKEN);
  expect(visible).not.toContain(REFRESH);
  expect(visible).not.toMatch(/authorization|bearer/i);
}

describe('toBrokerError', () => {
  it.each([
    [
      '401',
      gaxiosError(401, gmailError(401, 'Request had invalid authentication credentials.', 'authError')),
      'invalid_token',
    ],
    [
      'refresh invalid_grant',
      gaxiosError(400, { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' }),
      'invalid_token',
    ],
    ['404', gaxiosError(404, gmailError(404, 'Requested entity was not found.', 'notFound')), 'not_found'],
    ['400', gaxiosError(400, gmailError(400, 'Invalid To header', 'invalidArgument')), 'invalid_request'],
    ['429', gaxiosError(429, gmailError(429, 'Too many requests', 'rateLimitExceeded')), 'rate_limited'],
    [
      '403 userRateLimitExceeded',
      gaxiosError(403, gmailError(403, 'User-rate limit exceeded', 'userRateLimitExceeded')),
      'rate_limited',
    ],
    [
      '403 dailyLimitExceeded',
      gaxiosError(403, gmailError(403, 'Daily limit exceeded', 'dailyLimitExceeded')),
      'rate_limited',
    ],
    ['403 other', gaxiosError(403, gmailError(403, 'Delegation denied', 'forbidden')), 'forbidden'],
    ['413', gaxiosError(413, gmailError(413, 'Request too large')), 'payload_too_large'],
    ['500', gaxiosError(500, gmailError(500, 'Backend Error', 'backendError')), 'upstream_error'],
    ['503', gaxiosError(503, 'Service Unavailable'), 'upstream_error'],
    ['a timeout', gaxiosError(undefined, undefined, { code: 'TimeoutError' }), 'upstream_error'],
    ['a network failure', gaxiosError(undefined, undefined, { code: 'ECONNREFUSED' }), 'upstream_error'],
  ])('maps %s to %s without leaking a token', (_name, error, kind) => {
    const mapped = toBrokerError(error);
    expect(mapped).toBeInstanceOf(BrokerError);
    expect(mapped.kind).toBe(kind);
    expectNoSecrets(mapped);
  });

  it('maps a missing permission to insufficient_scope, naming no scope (the operation names its own)', () => {
    const error = gaxiosError(403, {
      error: {
        code: 403,
        message: 'Request had insufficient authentication scopes.',
        errors: [{ reason: 'insufficientPermissions', message: 'Insufficient Permission' }],
        status: 'PERMISSION_DENIED',
        details: [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'ACCESS_TOKEN_SCOPE_INSUFFICIENT' }],
      },
    });
    const mapped = toBrokerError(error);
    expect(mapped.kind).toBe('insufficient_scope');
    expect(mapped.details).toBeUndefined();
    expect(mapped.message).toBe('The Google token lacks a permission this needs: sign in again and grant it.');
    expectNoSecrets(mapped);
  });

  it("passes Google's 400 message on, scrubbed of any token it might echo", () => {
    const mapped = toBrokerError(
      gaxiosError(400, gmailError(400, `Invalid To header near ${TOKEN}`, 'invalidArgument')),
    );
    expect(mapped.message).toContain('Invalid To header');
    expectNoSecrets(mapped);
  });

  it('uses the caller-given message for a 404', () => {
    const mapped = toBrokerError(gaxiosError(404, gmailError(404, 'Not Found')), {
      notFound: 'No email with id abc found',
    });
    expect(mapped.message).toBe('No email with id abc found');
  });

  it('keeps only status and reasons as the cause, never the gaxios error', () => {
    const mapped = toBrokerError(gaxiosError(429, gmailError(429, 'Too many', 'rateLimitExceeded')));
    expect(mapped.cause).toEqual({ upstreamStatus: 429, upstreamReasons: ['rateLimitExceeded'] });
  });

  it('returns a BrokerError unchanged and hides anything else as internal', () => {
    const own = new BrokerError('not_found', 'x');
    expect(toBrokerError(own)).toBe(own);
    const bug = toBrokerError(new TypeError(`cannot read ${TOKEN}`));
    expect(bug.kind).toBe('internal');
    expectNoSecrets(bug);
  });
});

describe('Google errors through the real client', () => {
  let fake: FakeGmail;
  beforeEach(async () => {
    fake = await startFakeGmail();
  });
  afterEach(async () => {
    await fake.close();
  });

  const send = (gmail = createGmailClient({ accessToken: TOKEN }, fake.config)) =>
    sendEmail(gmail, { to: 'ana@example.com', subject: 'Hi', body: 'Hello' });

  it('surfaces a 401 as invalid_token when the broker cannot refresh', async () => {
    fake.intercept = () => googleError(401, 'Request had invalid authentication credentials.', 'authError');
    const gmail = createGmailClient({ accessToken: TOKEN, refreshToken: REFRESH }, fake.config);
    const error = await send(gmail).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ kind: 'invalid_token' });
    expectNoSecrets(error as BrokerError);
    // No client credentials configured: no refresh attempt, one call only.
    expect(fake.requests.map((request) => request.path)).toEqual(['/gmail/v1/users/me/messages/send']);
    expect(fake.requests[0]?.headers.authorization).toBe(`Bearer ${TOKEN}`);
  });

  it('refreshes a rejected token once and retries when it has a refresh token and client credentials', async () => {
    fake.intercept = (request) =>
      request.path.endsWith('/send') && request.headers.authorization === `Bearer ${TOKEN}`
        ? googleError(401, 'Request had invalid authentication credentials.', 'authError')
        : undefined;
    const config = {
      ...parseConfig({ GMAIL_API_URL: fake.url, GOOGLE_OAUTH_URL: fake.url, GOOGLE_CLIENT_ID: 'cid' }),
      GOOGLE_CLIENT_SECRET: 'csecret',
    };
    const sent = await send(createGmailClient({ accessToken: TOKEN, refreshToken: REFRESH }, config));
    expect(sent.message_id).toMatch(/^sent-/);
    expect(fake.requests.map((request) => request.path)).toEqual([
      '/gmail/v1/users/me/messages/send',
      '/token',
      '/gmail/v1/users/me/messages/send',
    ]);
    const refresh = new URLSearchParams(fake.requests[1]?.body.toString());
    expect(refresh.get('grant_type')).toBe('refresh_token');
    expect(refresh.get('client_id')).toBe('cid');
    expect(fake.requests[2]?.headers.authorization).toBe('Bearer refreshed-token');
  });

  it('maps a dead refresh grant to invalid_token', async () => {
    fake.intercept = (request) =>
      request.path === '/token'
        ? { status: 400, body: { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' } }
        : googleError(401, 'Request had invalid authentication credentials.', 'authError');
    const config = {
      ...parseConfig({ GMAIL_API_URL: fake.url, GOOGLE_OAUTH_URL: fake.url, GOOGLE_CLIENT_ID: 'cid' }),
      GOOGLE_CLIENT_SECRET: 'csecret',
    };
    const error = await send(createGmailClient({ accessToken: TOKEN, refreshToken: REFRESH }, config)).catch(
      (caught: unknown) => caught,
    );
    expect(error).toMatchObject({ kind: 'invalid_token' });
    expectNoSecrets(error as BrokerError);
  });
});
