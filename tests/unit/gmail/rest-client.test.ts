import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '#lib/config';
import { createGmailClient } from '#lib/gmail/client';
import { deadlineSignal } from '#lib/gmail/deadline';
import { toBrokerError } from '#lib/gmail/errors';
import { googleError, store, useFakeGmail } from './fake-gmail.ts';

/**
 * The fetch-based Gmail client on the wire, against a real HTTP server: what it sends
 * (paths, repeated parameters, uploads), how it refreshes, and what its errors hold.
 */

const TOKEN = 'ya29.SECRET-access-token-do-not-leak';
const REFRESH = '1//SECRET-refresh-token-do-not-leak';
const CLIENT_SECRET = 'SECRET-client-secret';

const mailbox = useFakeGmail();

/** A client with a refresh token and client credentials: it may refresh. */
function refreshingClient() {
  const { url } = mailbox.fake;
  const config = {
    ...parseConfig({ GMAIL_API_URL: url, GOOGLE_OAUTH_URL: url, GOOGLE_CLIENT_ID: 'cid' }),
    GOOGLE_CLIENT_SECRET: CLIENT_SECRET,
  };
  return createGmailClient({ accessToken: TOKEN, refreshToken: REFRESH }, config);
}

/** Everything an error could show: message, stack, own fields, and util.inspect of it all. */
function everythingIn(error: unknown): string {
  return [String(error), (error as Error).stack, JSON.stringify(error), inspect(error, { depth: 10 })].join('\n');
}

describe('requests as Gmail documents them', () => {
  it('sends a repeated parameter once per value and percent-encodes path and query values', async () => {
    store(mailbox.fake, { id: 'm1', raw: Buffer.from('From: a@example.com\r\nSubject: Hi\r\n\r\nx') });
    await mailbox.gmail.users.messages.get({
      userId: 'me',
      id: 'm1',
      format: 'metadata',
      metadataHeaders: ['From', 'Subject'],
    });
    const q = 'from:"a&b=c" #1 ü/? a+b';
    await mailbox.gmail.users.messages.list({ userId: 'me', q, labelIds: ['INBOX', 'UNREAD'], maxResults: 5 });
    await mailbox.gmail.users.messages.get({ userId: 'me', id: 'a/b?c' }).catch(() => undefined);

    const [get, list, odd] = mailbox.fake.requests;
    expect(get?.path).toBe('/gmail/v1/users/me/messages/m1');
    expect(get?.query.getAll('metadataHeaders')).toEqual(['From', 'Subject']);
    expect(get?.query.get('format')).toBe('metadata');
    // Google gzips an answer only for both of these (its performance guide).
    expect(get?.headers['accept-encoding']).toBe('gzip');
    expect(get?.headers['user-agent']).toContain('gzip');
    expect(list?.query.getAll('labelIds')).toEqual(['INBOX', 'UNREAD']);
    expect(list?.query.get('q')).toBe(q);
    expect(list?.query.get('maxResults')).toBe('5');
    // One path segment, however odd the id: it cannot reach another route.
    expect(odd?.path).toBe('/gmail/v1/users/me/messages/a%2Fb%3Fc');
    expect([...(odd?.query.keys() ?? [])]).toEqual([]);
  });

  it('uploads a bare message as uploadType=media, bytes unchanged, at the configured root', async () => {
    const raw = Buffer.from('Subject: caf\xe9\r\n\r\n8-bit \xff body\r\n', 'latin1');
    const { data } = await mailbox.gmail.users.messages.send({
      userId: 'me',
      media: { mimeType: 'message/rfc822', body: raw },
    });
    expect(data.id).toMatch(/^sent-/);
    const [request] = mailbox.fake.requests;
    expect(request?.path).toBe('/upload/gmail/v1/users/me/messages/send');
    expect(request?.headers['content-type']).toBe('message/rfc822');
    expect(mailbox.fake.sent).toEqual([{ raw, upload: true, uploadType: 'media' }]);
  });
});

describe('token refresh', () => {
  it('refreshes once for calls that fail with the same token at once, then uses the new token', async () => {
    store(mailbox.fake, { id: 'm1', raw: Buffer.from('Subject: a\r\n\r\nx') });
    store(mailbox.fake, { id: 'm2', raw: Buffer.from('Subject: b\r\n\r\nx') });
    mailbox.fake.intercept = (request) =>
      request.headers.authorization === `Bearer ${TOKEN}`
        ? googleError(401, 'Invalid Credentials', 'authError')
        : undefined;
    const gmail = refreshingClient();
    const answers = await Promise.all(['m1', 'm2'].map((id) => gmail.users.messages.get({ userId: 'me', id })));
    expect(answers.map(({ data }) => data.id)).toEqual(['m1', 'm2']);
    expect(mailbox.fake.requests.filter((request) => request.path === '/token')).toHaveLength(1);
    await gmail.users.messages.get({ userId: 'me', id: 'm1' });
    expect(mailbox.fake.requests.at(-1)?.headers.authorization).toBe('Bearer refreshed-token');
    expect(mailbox.fake.requests.filter((request) => request.path === '/token')).toHaveLength(1);
  });

  it('refreshes at most once per call: a second 401 surfaces', async () => {
    mailbox.fake.intercept = (request) =>
      request.path === '/token' ? undefined : googleError(401, 'Invalid Credentials', 'authError');
    const error = await refreshingClient()
      .users.labels.list({ userId: 'me' })
      .catch((caught: unknown) => caught);
    expect(toBrokerError(error).kind).toBe('invalid_token');
    expect(mailbox.fake.requests.map((request) => request.path)).toEqual([
      '/gmail/v1/users/me/labels',
      '/token',
      '/gmail/v1/users/me/labels',
    ]);
  });
});

describe('errors hold no secret', () => {
  it('a refused call shows neither the access token nor, after a failed refresh, the refresh grant', async () => {
    mailbox.fake.intercept = (request) =>
      request.path === '/token'
        ? { status: 400, body: { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' } }
        : googleError(401, 'Invalid Credentials', 'authError');
    const plain = await createGmailClient({ accessToken: TOKEN }, mailbox.fake.config)
      .users.labels.list({ userId: 'me' })
      .catch((caught: unknown) => caught);
    const refused = await refreshingClient()
      .users.labels.list({ userId: 'me' })
      .catch((caught: unknown) => caught);
    expect(toBrokerError(refused).kind).toBe('invalid_token');
    for (const error of [plain, refused]) {
      const shown = everythingIn(error);
      expect(shown).toMatch(/Google answered 40[01] to /);
      for (const secret of [TOKEN, REFRESH, CLIENT_SECRET]) expect(shown).not.toContain(secret);
      expect(shown).not.toMatch(/bearer/i);
    }
  });
});

describe('the retry budget', () => {
  it('counts from the first attempt: a slow first answer leaves no room for a retry it would otherwise wait for', async () => {
    // Retry-After 11 s + one 8 s attempt fits the 20 s budget only if the first attempt took
    // under 1 s. This one takes 1.5 s, so no retry is started (and none is waited for).
    mailbox.fake.intercept = async () => {
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      return { ...googleError(503, 'Backend Error', 'backendError'), headers: { 'retry-after': '11' } };
    };
    const error = await mailbox.gmail.users.labels.list({ userId: 'me' }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ status: 503 });
    expect(mailbox.fake.requests).toHaveLength(1);
  });
});

describe('the caller signal', () => {
  it('ends the wait before a retry at once, and the call is not tried again', async () => {
    mailbox.fake.intercept = () => ({
      ...googleError(429, 'Slow down', 'rateLimitExceeded'),
      headers: { 'retry-after': '10' },
    });
    const call = mailbox.gmail.users.labels.list({ userId: 'me' }, { signal: deadlineSignal(300) });
    const error = await call.catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'AbortError' });
    expect(toBrokerError(error).kind).toBe('upstream_error');
    expect(mailbox.fake.requests).toHaveLength(1);
  });

  it('reports a host that does not answer as a transport failure, without a status', async () => {
    // A loopback port nothing listens on any more: the connection is refused.
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const url = `http://127.0.0.1:${port}/`;
    const nowhere = parseConfig({ GMAIL_API_URL: url, GOOGLE_OAUTH_URL: url });
    const error = await createGmailClient({ accessToken: TOKEN }, nowhere)
      .users.drafts.send({ userId: 'me', requestBody: { id: 'd1' } })
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ status: undefined, code: 'ECONNREFUSED' });
    expect(toBrokerError(error).message).toBe('Could not reach Gmail; try again.');
  });
});
