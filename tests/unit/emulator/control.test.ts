import { afterEach, describe, expect, it } from 'vitest';
import { EmulatorControl, EmulatorControlError } from '../../../emulator/control-client.ts';
import { DEMO_USER } from '../../../emulator/demo.ts';
import type { GoogleEmulator } from '../../../emulator/server.ts';
import { startGoogleEmulator } from '../../../emulator/server.ts';
import { failureOf, gmailFor, oauthClientFor, plainMail, toRaw } from './support.ts';

/** Fault injection, latency, the request log, reset and the demo mailbox. */

let emulator: GoogleEmulator | undefined;

afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

async function start(seedDemo = false) {
  emulator = await startGoogleEmulator({ seedDemo });
  const control = new EmulatorControl(emulator.url);
  const user = await control.createUser({ email: 'user@example.com' });
  return { url: emulator.url, control, client: gmailFor(emulator.url, { access_token: user.token }), user };
}

describe('fault injection', () => {
  it('fails the next matching request with Google’s 429, which the client retries for GET', async () => {
    const { control, client } = await start();
    await control.addFault({ method: 'GET', pathPattern: '/messages$', status: 429 });

    const list = await client.users.messages.list({ userId: 'me' });
    const requests = await control.requests();

    expect(list.status).toBe(200);
    expect(requests.map((r) => r.status)).toEqual([429, 200]);
  });

  it('answers a POST with the fault body and no retry', async () => {
    const { control, client } = await start();
    await control.addFault({ pathPattern: '/messages/send$', status: 429, times: 2 });
    const send = () =>
      client.users.messages.send({
        userId: 'me',
        requestBody: { raw: toRaw(plainMail({ from: 'user@example.com', to: 'x@example.net', subject: 'hi' })) },
      });

    const first = await failureOf(send());
    const second = await failureOf(send());
    const third = await send();

    expect(first.data).toEqual({
      error: {
        code: 429,
        message: 'Too many concurrent requests for user.',
        errors: [
          { message: 'Too many concurrent requests for user.', domain: 'usageLimits', reason: 'rateLimitExceeded' },
        ],
        status: 'RESOURCE_EXHAUSTED',
      },
    });
    expect(second.status).toBe(429);
    expect(third.data.labelIds).toEqual(['SENT']);
    expect(await control.sent('user@example.com')).toHaveLength(1);
  });

  it('uses a given body and headers, and leaves non-matching paths alone', async () => {
    const { url, control, user } = await start();
    await control.addFault({
      pathPattern: '^/token$',
      status: 503,
      body: { error: 'temporarily_unavailable' },
      headers: { 'Retry-After': '7' },
    });
    const headers = { authorization: `Bearer ${user.token}` };

    const profile = await fetch(`${url}/gmail/v1/users/me/profile`, { headers });
    const token = await fetch(`${url}/token`, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'refresh_token' }),
    });

    expect(profile.status).toBe(200);
    expect(token.status).toBe(503);
    expect(token.headers.get('retry-after')).toBe('7');
    expect(await token.json()).toEqual({ error: 'temporarily_unavailable' });
  });
});

describe('latency and the request log', () => {
  it('delays Gmail and OAuth answers but not control requests', async () => {
    const { control, client } = await start();
    await control.setLatency(120);

    const before = performance.now();
    await client.users.getProfile({ userId: 'me' });
    const gmailMs = performance.now() - before;
    const controlStart = performance.now();
    const [request] = await control.requests();
    const controlMs = performance.now() - controlStart;

    expect(gmailMs).toBeGreaterThanOrEqual(115);
    expect(controlMs).toBeLessThan(100);
    expect((request?.endedAt ?? 0) - (request?.startedAt ?? 0)).toBeGreaterThanOrEqual(115);
  });

  it('delays only the requests whose path matches, when given a pattern', async () => {
    const { control, client } = await start();
    await control.setLatency(300, '/profile$');

    await client.users.getProfile({ userId: 'me' });
    await client.users.messages.list({ userId: 'me' });
    const took = Object.fromEntries(
      (await control.requests()).map((request) => [request.path, request.endedAt - request.startedAt]),
    );

    expect(took['/gmail/v1/users/me/profile']).toBeGreaterThanOrEqual(295);
    expect(took['/gmail/v1/users/me/messages']).toBeLessThan(295);
  });

  it('records method, path, query and status, and never a token', async () => {
    const { url, control, client, user } = await start();
    const oauth = oauthClientFor(url);

    await client.users.messages.list({ userId: 'me', q: 'is:unread', labelIds: ['INBOX', 'UNREAD'] });
    await fetch(`${url}/tokeninfo?access_token=${user.token}`);
    await oauth.getTokenInfo(user.token);
    const requests = await control.requests();
    await control.clearRequests();

    expect(requests).toMatchObject([
      {
        method: 'GET',
        path: '/gmail/v1/users/me/messages',
        query: { q: 'is:unread', labelIds: ['INBOX', 'UNREAD'] },
        status: 200,
      },
      { method: 'GET', path: '/tokeninfo', query: {}, status: 200 },
      { method: 'POST', path: '/tokeninfo', query: {}, status: 200 },
    ]);
    expect(requests[0]?.startedAt).toBeGreaterThan(Date.now() - 60_000);
    expect(JSON.stringify(requests)).not.toContain(user.token);
    expect(await control.requests()).toEqual([]);
  });
});

describe('control API', () => {
  it('refuses an invalid request with the reason', async () => {
    const { control } = await start();

    const error = await control.addFault({ pathPattern: '(', status: 500 }).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(EmulatorControlError);
    expect((error as EmulatorControlError).status).toBe(400);
    expect(JSON.stringify((error as EmulatorControlError).body)).toContain('valid regular expression');
  });

  it('adds a token to an existing user instead of a second mailbox', async () => {
    const { url, control, user } = await start();
    await control.seedMessage({
      email: 'user@example.com',
      raw: plainMail({ from: 'a@example.com', to: 'user@example.com', subject: 's' }),
    });

    const again = await control.createUser({ email: 'USER@example.com', token: 'second-token' });
    const list = await gmailFor(url, { access_token: again.token }).users.messages.list({ userId: 'me' });

    expect(again).toMatchObject({ email: 'user@example.com', token: 'second-token' });
    expect(again.refreshToken).not.toBe(user.refreshToken);
    expect(list.data.resultSizeEstimate).toBe(1);
  });
});

describe('demo mailbox and reset', () => {
  it('serves the demo user’s unread mail with the fixed token', async () => {
    const { url } = await start(true);
    const demo = gmailFor(url, { access_token: DEMO_USER.token });

    const unread = await demo.users.messages.list({ userId: 'me', q: 'is:unread in:inbox' });
    const details = await Promise.all(
      (unread.data.messages ?? []).map(({ id }) =>
        demo.users.messages.get({
          userId: 'me',
          id: id ?? '',
          format: 'metadata',
          metadataHeaders: ['Subject', 'Reply-To'],
        }),
      ),
    );
    const subjects = details.map(({ data }) => data.payload?.headers?.find((h) => h.name === 'Subject')?.value);
    const shipped = details.find(({ data }) => data.snippet?.startsWith('Good news!'));

    expect(subjects).toEqual([
      'Offsite agenda',
      'Reunión mañana en el café',
      'Your order #10423 has shipped',
      'Quarterly report draft',
      'Re: Project kickoff notes',
    ]);
    expect(details[0]?.data.payload?.headers).toContainEqual({
      name: 'Reply-To',
      value: 'Carol Diaz <carol@example.net>',
    });
    expect(shipped?.data.snippet).toBe('Good news! Order #10423 is on its way & should arrive Friday.');
  });

  it('refreshes the demo refresh token into a working access token', async () => {
    const { url } = await start(true);
    const oauth = oauthClientFor(url, { clientId: 'any-client', clientSecret: 'any-secret' });
    oauth.setCredentials({ refresh_token: DEMO_USER.refreshToken });

    const { token } = await oauth.getAccessToken();
    const profile = await gmailFor(url, { access_token: token ?? '' }).users.getProfile({ userId: 'me' });

    expect(profile.data).toMatchObject({ emailAddress: DEMO_USER.email, messagesTotal: 6, threadsTotal: 5 });
  });

  it('forgets everything on reset and seeds the demo mailbox again', async () => {
    const { url, control, client } = await start(true);
    const demo = gmailFor(url, { access_token: DEMO_USER.token });
    const [first] = (await demo.users.messages.list({ userId: 'me', q: 'is:unread' })).data.messages ?? [];
    await demo.users.messages.modify({
      userId: 'me',
      id: first?.id ?? '',
      requestBody: { removeLabelIds: ['UNREAD'] },
    });
    await control.setLatency(500);

    await control.reset();
    const unread = await demo.users.messages.list({ userId: 'me', q: 'is:unread' });
    const gone = await failureOf(client.users.getProfile({ userId: 'me' }));

    expect(unread.data.resultSizeEstimate).toBe(5);
    expect(gone.status).toBe(401);
  });
});
