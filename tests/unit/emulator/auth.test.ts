import { describe, expect, it } from 'vitest';
import { failureOf, gmailFor, oauthClientFor, plainMail, toRaw, useEmulator } from './support.ts';

/** Tokens, scopes and isolation, through the official Gmail and OAuth clients. */

const google = useEmulator();

const CLIENT = { clientId: 'broker.apps.googleusercontent.com', clientSecret: 'broker-secret' };

describe('Gmail authentication and scopes', () => {
  it('answers an unknown token with Google-shaped 401 and WWW-Authenticate', async () => {
    const failure = await failureOf(
      gmailFor(google.url, { access_token: 'ya29.unknown' }).users.getProfile({ userId: 'me' }),
    );

    expect(failure.status).toBe(401);
    expect(failure.headers.get('www-authenticate')).toBe(
      'Bearer realm="https://accounts.google.com/", error="invalid_token"',
    );
    expect(failure.data).toMatchObject({
      error: {
        code: 401,
        errors: [{ message: 'Invalid Credentials', reason: 'authError', location: 'Authorization' }],
        status: 'UNAUTHENTICATED',
      },
    });
  });

  it('answers 403 insufficientPermissions when the token lacks a read scope', async () => {
    const { token } = await google.control.createUser({
      email: 'sender@example.com',
      scopes: ['https://www.googleapis.com/auth/gmail.send'],
    });
    const client = gmailFor(google.url, { access_token: token });

    const failure = await failureOf(client.users.messages.list({ userId: 'me' }));
    const sent = await client.users.messages.send({
      userId: 'me',
      requestBody: { raw: toRaw(plainMail({ from: 'sender@example.com', to: 'x@example.net', subject: 'ok' })) },
    });

    expect(failure.status).toBe(403);
    expect(failure.data).toMatchObject({
      error: {
        errors: [{ reason: 'insufficientPermissions' }],
        status: 'PERMISSION_DENIED',
        details: [
          {
            reason: 'ACCESS_TOKEN_SCOPE_INSUFFICIENT',
            metadata: { method: 'caribou.api.proto.MailboxService.ListMessages' },
          },
        ],
      },
    });
    expect(sent.data.labelIds).toEqual(['SENT']);
  });

  it('rejects a revoked or expired access token', async () => {
    const revoked = await google.control.createUser({ email: 'r@example.com' });
    const expired = await google.control.createUser({ email: 'e@example.com' });
    await google.control.revokeToken(revoked.token);
    await google.control.expireToken(expired.token);

    for (const token of [revoked.token, expired.token]) {
      const failure = await failureOf(gmailFor(google.url, { access_token: token }).users.getProfile({ userId: 'me' }));
      expect(failure.status).toBe(401);
    }
  });
});

describe('mailbox isolation', () => {
  it('never shows one user another user’s mail', async () => {
    const alice = await google.control.createUser({ email: 'alice@example.com' });
    const mallory = await google.control.createUser({ email: 'mallory@example.com' });
    const secret = await google.control.seedMessage({
      email: 'alice@example.com',
      raw: plainMail({ from: 'bank@example.com', to: 'alice@example.com', subject: 'Your code' }),
    });
    const asMallory = gmailFor(google.url, { access_token: mallory.token });

    const listed = await asMallory.users.messages.list({ userId: 'me' });
    const byId = await failureOf(asMallory.users.messages.get({ userId: 'me', id: secret.id }));
    const byEmail = await failureOf(asMallory.users.messages.list({ userId: 'alice@example.com' }));
    const own = await gmailFor(google.url, { access_token: alice.token }).users.messages.list({
      userId: 'alice@example.com',
    });

    expect(listed.data.messages).toBeUndefined();
    expect(byId.status).toBe(404);
    expect(byEmail.status).toBe(403);
    expect(own.data.messages?.map((m) => m.id)).toEqual([secret.id]);
  });
});

describe('OAuth endpoints through google-auth-library', () => {
  it('refreshes with the registered client and the new token reads the same mailbox', async () => {
    const user = await google.control.createUser({ email: 'owner@example.com', ...CLIENT });
    const oauth = oauthClientFor(google.url, CLIENT);
    oauth.setCredentials({ refresh_token: user.refreshToken });

    const { token } = await oauth.getAccessToken();
    const profile = await gmailFor(google.url, { access_token: token ?? '' }).users.getProfile({ userId: 'me' });

    expect(token).toBeTruthy();
    expect(token).not.toBe(user.token);
    expect(oauth.credentials.expiry_date).toBeGreaterThan(Date.now() + 3_500_000);
    expect(profile.data.emailAddress).toBe('owner@example.com');
  });

  it('refuses a refresh from another client with invalid_client', async () => {
    const user = await google.control.createUser({ email: 'owner@example.com', ...CLIENT });
    const oauth = oauthClientFor(google.url, { clientId: CLIENT.clientId, clientSecret: 'wrong' });
    oauth.setCredentials({ refresh_token: user.refreshToken });

    const failure = await failureOf(oauth.getAccessToken());

    expect(failure.status).toBe(401);
    expect(failure.data).toMatchObject({ error: 'invalid_client' });
  });

  it('answers invalid_grant once the grant is revoked', async () => {
    const user = await google.control.createUser({ email: 'owner@example.com' });
    await google.control.revokeToken(user.refreshToken);
    const oauth = oauthClientFor(google.url, CLIENT);
    oauth.setCredentials({ refresh_token: user.refreshToken });

    const failure = await failureOf(oauth.getAccessToken());

    expect(failure.status).toBe(400);
    expect(failure.data).toEqual({ error: 'invalid_grant', error_description: 'Token has been expired or revoked.' });
  });

  it('recovers from an expired access token by refreshing on the 401 when asked to', async () => {
    const user = await google.control.createUser({ email: 'owner@example.com', ...CLIENT });
    await google.control.expireToken(user.token);
    const client = gmailFor(
      google.url,
      { access_token: user.token, refresh_token: user.refreshToken },
      { ...CLIENT, forceRefreshOnFailure: true },
    );
    await google.control.clearRequests();

    const profile = await client.users.getProfile({ userId: 'me' });
    const requests = await google.control.requests();

    expect(profile.data.emailAddress).toBe('owner@example.com');
    expect(requests.map((r) => `${r.path} ${r.status}`)).toEqual([
      '/gmail/v1/users/me/profile 401',
      '/token 200',
      '/gmail/v1/users/me/profile 200',
    ]);
  });

  it('reports token info, with the email only when an email scope was granted', async () => {
    const withEmail = await google.control.createUser({ email: 'owner@example.com', ...CLIENT });
    const withoutEmail = await google.control.createUser({ email: 'quiet@example.com', scopes: ['gmail.readonly'] });
    const oauth = oauthClientFor(google.url, CLIENT);

    const info = await oauth.getTokenInfo(withEmail.token);
    const quiet = await oauth.getTokenInfo(withoutEmail.token);

    expect(info).toMatchObject({
      aud: CLIENT.clientId,
      azp: CLIENT.clientId,
      email: 'owner@example.com',
      email_verified: 'true',
    });
    expect(info.scopes).toContain('https://www.googleapis.com/auth/gmail.send');
    expect(info.expiry_date).toBeGreaterThan(Date.now());
    expect(quiet.email).toBeUndefined();
    expect(quiet.scopes).toEqual(['https://www.googleapis.com/auth/gmail.readonly']);
    expect(quiet.sub).toMatch(/^\d{21}$/);
  });

  it('answers tokeninfo for a bad token with invalid_token, by query or form', async () => {
    const byQuery = await fetch(`${google.url}/tokeninfo?access_token=nope`);
    const byForm = await fetch(`${google.url}/tokeninfo`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'access_token=nope',
    });

    for (const response of [byQuery, byForm]) {
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({ error: 'invalid_token', error_description: 'Invalid Value' });
    }
  });
});
