import { describe, expect, inject, it } from 'vitest';
import { parseConfig } from '#lib/config';
import { hashSecret, tokens } from '#lib/oauth/records';
import { openWithToken } from '#lib/oauth/sealing';
import { operations } from '#lib/operations';
import { keys, storeFor } from '#lib/store/table';
import { apiUrl, emulator, newUser } from '../support/api.ts';
import { Browser, pkce } from '../support/mcp.ts';
import {
  authorizationUrl,
  authorizeIn,
  mcpCall,
  REDIRECT_URI,
  redeem,
  refreshWith,
  register,
  signIn,
} from '../support/oauth.ts';

const store = storeFor(parseConfig({ DYNAMODB_ENDPOINT: inject('dynamoEndpoint'), TABLE_NAME: inject('tableName') }));

async function revoke(token: string | undefined, clientId: string): Promise<number> {
  const response = await fetch(`${apiUrl}/oauth/revoke`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token: token ?? '', client_id: clientId }).toString(),
  });
  return response.status;
}

const unread = { name: 'get_unread_emails', arguments: { limit: 1 } };
const send = (subject: string) => ({
  name: 'send_email',
  arguments: { to: 'friend@example.com', subject, body: 'Sent after a step-up.' },
});

describe('refresh tokens and codes (RFC 9700)', () => {
  it('ends the whole grant when a spent refresh token is presented again (§4.14.2)', async () => {
    const signedIn = await signIn();
    const first = (await redeem(signedIn)).json;
    const rotated = await refreshWith(first.refresh_token, signedIn.clientId);
    expect(rotated.status).toBe(200);
    expect((await mcpCall(rotated.json.access_token ?? '')).status).toBe(200);

    const reused = await refreshWith(first.refresh_token, signedIn.clientId);
    expect(reused.json.error).toBe('invalid_grant');
    // The thief's or the victim's copy: either way every token of the grant is dead now.
    expect((await mcpCall(rotated.json.access_token ?? '')).status).toBe(401);
    expect((await refreshWith(rotated.json.refresh_token, signedIn.clientId)).json.error).toBe('invalid_grant');
  });

  it("lets no other client use or revoke a client's refresh token: the token still works for its own client", async () => {
    const signedIn = await signIn();
    const issued = (await redeem(signedIn)).json;
    const other = await register('Another client');

    const stolen = await refreshWith(issued.refresh_token, other);
    expect(stolen.status).toBe(400);
    expect(stolen.json.error).toBe('invalid_grant');
    expect(stolen.json.access_token).toBeUndefined();
    expect(await revoke(issued.refresh_token, other)).toBe(200);
    expect(await revoke(issued.access_token, other)).toBe(200);

    expect((await mcpCall(issued.access_token ?? '')).status).toBe(200);
    const own = await refreshWith(issued.refresh_token, signedIn.clientId);
    expect(own.status).toBe(200);
    expect((await mcpCall(own.json.access_token ?? '')).status).toBe(200);
  });

  it('never answers a code replayed inside the grace with a refresh token that was already rotated away', async () => {
    const signedIn = await signIn();
    const redeemedAt = Date.now();
    const first = (await redeem(signedIn)).json;
    expect((await refreshWith(first.refresh_token, signedIn.clientId)).status).toBe(200);

    const replay = await redeem(signedIn);
    // Still inside the grace, where an unrotated first answer would be given again.
    expect(Date.now() - redeemedAt).toBeLessThan(inject('codeReuseGraceSeconds') * 1000);
    expect(replay.status).toBe(400);
    expect(replay.json.error).toBe('invalid_grant');
    expect(replay.json.refresh_token).toBeUndefined();
  });
});

describe('Google unreachable while issuing', () => {
  it('burns neither the code nor the refresh token: the retry gets tokens and the grant lives', async () => {
    const signedIn = await signIn();
    await emulator.addFault({ method: 'POST', pathPattern: '/token$', status: 503, times: 1 });
    const failed = await redeem(signedIn);
    expect(failed.status).toBeGreaterThanOrEqual(500);
    expect(failed.json.access_token).toBeUndefined();
    const issued = await redeem(signedIn);
    expect(issued.status).toBe(200);

    await emulator.addFault({ method: 'POST', pathPattern: '/token$', status: 503, times: 1 });
    expect((await refreshWith(issued.json.refresh_token, signedIn.clientId)).status).toBeGreaterThanOrEqual(500);
    const retried = await refreshWith(issued.json.refresh_token, signedIn.clientId);
    expect(retried.status).toBe(200);
    expect((await mcpCall(retried.json.access_token ?? '', 'tools/call', unread)).text).toContain(
      '"structuredContent"',
    );
  });
});

describe('offline_access (SEP-2207)', () => {
  it('is the authorization server’s scope, not the resource’s', async () => {
    const server = (await (await fetch(`${apiUrl}/.well-known/oauth-authorization-server`)).json()) as {
      scopes_supported: string[];
    };
    const protectedResource = (await (await fetch(`${apiUrl}/.well-known/oauth-protected-resource`)).json()) as {
      scopes_supported: string[];
    };
    expect(server.scopes_supported).toContain('offline_access');
    expect(protectedResource.scopes_supported).not.toContain('offline_access');
  });

  it('issues refresh tokens only to a client that asks for offline_access or registered the refresh grant', async () => {
    const user = await newUser();
    const codeOnly = await register('Code-only client', [REDIRECT_URI], { grant_types: ['authorization_code'] });

    const without = await redeem(
      await authorizeIn(new Browser(), codeOnly, user.email, { scope: 'get_unread_emails' }),
    );
    expect(without.status).toBe(200);
    expect(without.json.refresh_token).toBeUndefined();
    expect(without.json.scope).toBe('get_unread_emails');

    const asked = await redeem(
      await authorizeIn(new Browser(), codeOnly, user.email, { scope: 'get_unread_emails offline_access' }),
    );
    expect(asked.json.refresh_token).toMatch(/^mcp-rt-/);
    expect(asked.json.scope).toBe('get_unread_emails offline_access');
    expect((await refreshWith(asked.json.refresh_token, codeOnly)).status).toBe(200);

    // offline_access alone names no tool, which means every tool, like an empty scope.
    const alone = await redeem(await authorizeIn(new Browser(), codeOnly, user.email, { scope: 'offline_access' }));
    expect(alone.json.scope?.split(' ')).toEqual(expect.arrayContaining(['send_email', 'offline_access']));
  });
});

describe('the fast /mcp path', () => {
  it('runs a tool with the Google token sealed in the broker token: no Google token call, unreadable from the table', async () => {
    const signedIn = await signIn();
    const issued = (await redeem(signedIn)).json;
    const bearer = issued.access_token ?? '';
    expect(Number(issued.expires_in)).toBeLessThanOrEqual(3600 - 60);

    await emulator.clearRequests();
    const call = await mcpCall(bearer, 'tools/call', unread);
    expect(call.status).toBe(200);
    expect(call.text).toContain('"structuredContent"');
    const google = await emulator.requests();
    expect(google.some((request) => request.path.includes('/gmail/'))).toBe(true);
    expect(google.filter((request) => request.path.endsWith('/token'))).toEqual([]);

    const record = await tokens.getAccess(store, bearer);
    if (!record?.google) throw new Error('no sealed Google token');
    const item = await store.db.get({
      TableName: store.table,
      Key: keys.accessToken(record.grantId, hashSecret(bearer)),
    });
    const googleToken = openWithToken(record.google, bearer, record.grantId);
    expect(googleToken).toMatch(/^ya29\./);
    expect(JSON.stringify(item.Item)).not.toContain(googleToken);
    expect(JSON.stringify(item.Item)).not.toContain(bearer);
    // What the table holds (the token's hash) does not open it.
    expect(() => openWithToken(record.google as never, hashSecret(bearer), record.grantId)).toThrow();
  });
});

describe('step-up (SEP-2350)', () => {
  it('answers a call outside the grant with 403 insufficient_scope, and a new authorization adds it, asking only for it', async () => {
    const user = await newUser();
    const clientId = await register('Step-up client');
    const browser = new Browser();
    const readOnly = (await redeem(await authorizeIn(browser, clientId, user.email, { scope: 'get_unread_emails' })))
      .json;
    expect(readOnly.scope).toBe('get_unread_emails offline_access');

    const refused = await mcpCall(readOnly.access_token ?? '', 'tools/call', send('Before step-up'));
    expect(refused.status).toBe(403);
    expect(refused.challenge).toContain('error="insufficient_scope"');
    expect(refused.challenge).toContain('scope="send_email"');
    expect(refused.challenge).toContain('resource_metadata=');
    expect(await emulator.sent(user.email)).toEqual([]);

    // The client re-authorizes for the union (SEP-2350) in the same browser.
    const { verifier, challenge } = pkce();
    const url = authorizationUrl(clientId, challenge, { scope: 'get_unread_emails send_email' });
    const consent = await browser.request(url);
    const html = await consent.text();
    const asked = /<ul class="groups">(.*?)<\/ul>/s.exec(html)?.[1] ?? '';
    // Tools by their titles for people (the registry's).
    expect(asked).toContain(operations.send_email.tool.title);
    expect(asked).not.toContain(operations.get_unread_emails.tool.title);
    expect(html).toContain(
      `It keeps what you allowed before: <strong>${operations.get_unread_emails.tool.title}</strong>`,
    );
    const approved = await browser.answerConsent(html, 'approve');
    const { location } = await browser.follow(approved, REDIRECT_URI);
    const code = new URL(location ?? '').searchParams.get('code') ?? '';
    const stepped = (await redeem({ clientId, code, verifier, email: user.email })).json;
    expect(stepped.scope?.split(' ').sort()).toEqual(['get_unread_emails', 'offline_access', 'send_email']);

    const sent = await mcpCall(stepped.access_token ?? '', 'tools/call', send('After step-up'));
    expect(sent.status).toBe(200);
    expect(sent.text).toContain('"structuredContent"');
    const mailbox = await emulator.sent(user.email);
    expect(mailbox).toHaveLength(1);
    expect(mailbox[0]?.raw).toContain('Subject: After step-up');
    const read = await mcpCall(stepped.access_token ?? '', 'tools/call', unread);
    expect(read.text).toContain('"structuredContent"');
  });
});
