import { afterEach, describe, expect, it } from 'vitest';
import { SCOPES } from '#lib/google/scopes';
import { emulator, newUser, post, rfc822 } from '../support/api.ts';

const MAIL = rfc822([
  'From: a@example.com',
  'To: b@example.com',
  'Subject: Hello',
  'Content-Type: text/plain',
  '',
  'Hi',
]);

describe('Google failures, mapped once', () => {
  afterEach(async () => {
    await emulator.clearFaults();
    await emulator.setLatency(0);
    await emulator.clearRequests();
  });

  it('answers 401 with WWW-Authenticate invalid_token when Google rejects the token', async () => {
    const user = await newUser();
    await emulator.revokeToken(user.token);
    const answer = await post('/api/email/unread', { token: user.token, body: {} });
    expect(answer.status).toBe(401);
    expect(answer.headers.get('www-authenticate')).toMatch(/^Bearer .*error="invalid_token"/);
    expect(answer.json).toMatchObject({ success: false, error: { code: 'invalid_token' } });
  });

  it("refreshes an expired token once with the body's refresh_token and retries", async () => {
    const user = await newUser();
    await emulator.seedMessage({ email: user.email, raw: MAIL });
    await emulator.expireToken(user.token);
    await emulator.clearRequests();
    const answer = await post('/api/email/unread', {
      body: { user_credentials: { access_token: user.token, refresh_token: user.refreshToken } },
    });
    expect(answer.status).toBe(200);
    expect(answer.json.emails.map((email: { subject: string }) => email.subject)).toEqual(['Hello']);
    const tokenCalls = (await emulator.requests()).filter((request) => request.path === '/token');
    expect(tokenCalls).toHaveLength(1);
  });

  it('answers 401 when the refresh token is revoked too', async () => {
    const user = await newUser();
    await emulator.expireToken(user.token);
    await emulator.revokeToken(user.refreshToken);
    const answer = await post('/api/email/unread', {
      body: { user_credentials: { access_token: user.token, refresh_token: user.refreshToken } },
    });
    expect(answer.status).toBe(401);
    expect(answer.json.error.code).toBe('invalid_token');
  });

  it('names the missing scope in a 403', async () => {
    const user = await newUser({ scopes: [SCOPES.send] });
    const answer = await post('/api/email/unread', { token: user.token, body: {} });
    expect(answer.status).toBe(403);
    expect(answer.json.error.code).toBe('insufficient_scope');
    expect(JSON.stringify(answer.json.error)).toContain(SCOPES.read);
    expect(answer.headers.get('www-authenticate')).toMatch(/insufficient_scope/);
  });

  it('retries a read that Google answered 429 and succeeds', async () => {
    const user = await newUser();
    await emulator.seedMessage({ email: user.email, raw: MAIL });
    await emulator.clearRequests();
    await emulator.addFault({ method: 'GET', pathPattern: '/gmail/v1/users/[^/]+/messages$', status: 429, times: 1 });
    const answer = await post('/api/email/unread', { token: user.token, body: {} });
    expect(answer.status).toBe(200);
    expect(answer.json.count).toBe(1);
    const lists = (await emulator.requests()).filter((request) => /\/messages$/.test(request.path));
    expect(lists.map((request) => request.status)).toEqual([429, 200]);
  });

  it('gives up on a read that keeps failing with a clear 5xx, within the retry budget', async () => {
    const user = await newUser();
    await emulator.clearRequests();
    await emulator.addFault({ method: 'GET', pathPattern: '/gmail/v1/users/[^/]+/messages$', status: 503, times: 20 });
    const answer = await post('/api/email/unread', { token: user.token, body: {} });
    expect([502, 503]).toContain(answer.status);
    expect(answer.json.error.message).toMatch(/Gmail/i);
    const lists = (await emulator.requests()).filter((request) => /\/messages$/.test(request.path));
    expect(lists.length).toBeGreaterThan(1);
    expect(lists.length).toBeLessThanOrEqual(4);
  });

  it('never retries a send', async () => {
    const user = await newUser();
    await emulator.clearRequests();
    await emulator.addFault({ method: 'POST', pathPattern: 'messages/send', status: 503, times: 1 });
    const answer = await post('/api/email/send', {
      token: user.token,
      body: { to: 'a@example.com', subject: 'once', body: 'x' },
    });
    expect([502, 503]).toContain(answer.status);
    const sends = (await emulator.requests()).filter((request) => request.path.endsWith('/messages/send'));
    expect(sends).toHaveLength(1);
    expect(await emulator.sent(user.email)).toEqual([]);
  });
});
