import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { parseConfig } from '#lib/config';
import { newToken, tokens } from '#lib/oauth/records';
import { storeFor } from '#lib/store/table';
import { apiUrl, emulator, newUser } from '../support/api.ts';
import { Browser, pkce } from '../support/mcp.ts';
import {
  authorizationUrl,
  mcpCall,
  REDIRECT_URI,
  redeem,
  refreshWith,
  register,
  resource,
  signIn,
} from '../support/oauth.ts';

const store = storeFor(parseConfig({ DYNAMODB_ENDPOINT: inject('dynamoEndpoint'), TABLE_NAME: inject('tableName') }));
describe('the MCP endpoint', () => {
  it('answers 401 pointing at its protected-resource metadata, which points at the authorization server', async () => {
    const answer = await mcpCall('');
    expect(answer.status).toBe(401);
    const metadataUrl = /resource_metadata="([^"]+)"/.exec(answer.challenge ?? '')?.[1] ?? '';
    expect(metadataUrl).toBe(`${new URL(resource).origin}/.well-known/oauth-protected-resource/mcp`);
    const metadata = (await (await fetch(`${apiUrl}${new URL(metadataUrl).pathname}`)).json()) as Record<
      string,
      unknown
    >;
    expect(metadata.resource).toBe(resource);
    const server = (await (await fetch(`${apiUrl}/.well-known/oauth-authorization-server`)).json()) as Record<
      string,
      unknown
    >;
    expect(metadata.authorization_servers).toEqual([server.issuer]);
    expect(server.code_challenge_methods_supported).toEqual(['S256']);
    expect(server.client_id_metadata_document_supported).toBe(true);
  });

  it('is stateless: GET (a standalone stream) and DELETE (a session) answer 405', async () => {
    for (const method of ['GET', 'DELETE']) {
      const response = await fetch(`${apiUrl}/mcp`, { method, headers: { accept: 'text/event-stream' } });
      expect(response.status).toBe(405);
      expect(response.headers.get('allow')).toBe('POST');
    }
  });

  it('refuses a browser request from an unknown origin (DNS rebinding), before anything else', async () => {
    const response = await fetch(`${apiUrl}/mcp`, {
      method: 'POST',
      headers: {
        origin: 'http://evil.example',
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
      },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });
    expect(response.status).toBe(403);
  });

  it('refuses a Google access token (it accepts only tokens it issued)', async () => {
    const user = await newUser();
    const answer = await mcpCall(user.token);
    expect(answer.status).toBe(401);
    expect(answer.challenge).toContain('error="invalid_token"');
  });

  it('refuses a token minted for another resource, and will not mint one', async () => {
    const signedIn = await signIn();
    const issued = await redeem(signedIn);
    const record = await tokens.getAccess(store, issued.json.access_token ?? '');
    if (!record) throw new Error('no token record');
    const foreign = newToken('at', record.grantId);
    await tokens.putAccess(store, foreign, { ...record, resource: 'https://other.example/mcp' });

    expect((await mcpCall(issued.json.access_token ?? '')).status).toBe(200);
    const refused = await mcpCall(foreign);
    expect(refused.status).toBe(401);
    expect(refused.challenge).toContain('error="invalid_token"');

    const { challenge } = pkce();
    const asked = await new Browser().request(
      authorizationUrl(await register(), challenge, { resource: 'https://other.example/mcp' }),
    );
    // Refused before consent: a page, never a redirect (RFC 9700 §4.11.2).
    expect(asked.status).toBe(400);
    expect(asked.headers.get('location')).toBeNull();
    expect(await asked.text()).toContain('issues tokens only for');
  });

  it('refuses a code with a PKCE verifier that does not match, without burning the code', async () => {
    const signedIn = await signIn();
    const wrong = await redeem(signedIn, pkce().verifier);
    expect(wrong.status).toBe(400);
    expect(wrong.json.error).toBe('invalid_grant');
    expect(wrong.json.access_token).toBeUndefined();
    expect((await redeem(signedIn)).status).toBe(200);
  });

  it('answers a code redeemed twice at once with the same tokens, and refuses it after the grace, ending the grant', async () => {
    const signedIn = await signIn();
    const [first, second] = await Promise.all([redeem(signedIn), redeem(signedIn)]);
    expect(first.status).toBe(200);
    expect(second).toEqual(first);
    const accessToken = first.json.access_token ?? '';
    expect((await mcpCall(accessToken)).status).toBe(200);

    const graceMs = inject('codeReuseGraceSeconds') * 1000;
    await vi.waitFor(
      async () => {
        const replay = await redeem(signedIn);
        expect(replay.status).toBe(400);
        expect(replay.json.error).toBe('invalid_grant');
      },
      { timeout: graceMs * 3, interval: 250 },
    );
    expect((await mcpCall(accessToken)).status).toBe(401);
  });

  it('refuses a redirect URI the client did not register, with a page and no redirect', async () => {
    const clientId = await register();
    const { challenge } = pkce();
    for (const redirectUri of ['https://evil.example/callback', `${REDIRECT_URI}/extra`, `${REDIRECT_URI}?x=1`]) {
      const response = await new Browser().request(
        authorizationUrl(clientId, challenge, { redirect_uri: redirectUri }),
      );
      expect(response.status).toBe(400);
      expect(response.headers.get('location')).toBeNull();
      expect(await response.text()).toContain('not one this application registered');
    }
    const unknown = await new Browser().request(authorizationUrl('mcp-client-unknown', challenge));
    expect(unknown.status).toBe(400);
    expect(unknown.headers.get('location')).toBeNull();
  });

  it('cannot be made to redirect elsewhere through the consent page, and escapes what the client says', async () => {
    const user = await newUser();
    await emulator.setConsentUser(user.email);
    const clientId = await register('<script>alert("hi")</script> Evil & Co');
    const { challenge } = pkce();
    const browser = new Browser();
    const consent = await browser.request(authorizationUrl(clientId, challenge));
    const html = await consent.text();
    expect(html).not.toContain('<script>');
    expect(html).toContain('&#60;script&#62;alert(&#34;hi&#34;)&#60;/script&#62; Evil &#38; Co');
    expect(consent.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");

    // Extra fields naming another destination are ignored: the stored redirect URI wins.
    const denied = await browser.answerConsent(html, 'deny', { redirect_uri: 'https://evil.example/steal' });
    expect(denied.status).toBe(302);
    const location = new URL(denied.headers.get('location') ?? '');
    expect(location.origin + location.pathname).toBe(REDIRECT_URI);
    expect(location.searchParams.get('error')).toBe('access_denied');

    // The same form posted from another browser (no consent cookie) is refused.
    const other = await browser.request(authorizationUrl(clientId, challenge));
    const stranger = new Browser();
    const refused = await stranger.answerConsent(await other.text(), 'approve');
    expect(refused.status).toBe(400);
    expect(refused.headers.get('location')).toBeNull();
  });

  it('ends a revoked grant: its access token answers 401 and its refresh token is refused', async () => {
    const signedIn = await signIn();
    const issued = (await redeem(signedIn)).json;
    const revoked = await fetch(`${apiUrl}/oauth/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: issued.refresh_token ?? '', client_id: signedIn.clientId }).toString(),
    });
    expect(revoked.status).toBe(200);
    const answer = await mcpCall(issued.access_token ?? '');
    expect(answer.status).toBe(401);
    expect(answer.challenge).toContain('resource_metadata=');
    const refreshed = await refreshWith(issued.refresh_token, signedIn.clientId);
    expect(refreshed.json.error).toBe('invalid_grant');
  });

  it('refuses an expired access token, and rotates refresh tokens (an old one is refused)', async () => {
    const signedIn = await signIn();
    const issued = (await redeem(signedIn)).json;
    const record = await tokens.getAccess(store, issued.access_token ?? '');
    if (!record) throw new Error('no token record');
    const expired = newToken('at', record.grantId);
    await tokens.putAccess(store, expired, { ...record, expiresAt: Date.now() - 1 });
    expect((await mcpCall(expired)).status).toBe(401);

    const rotated = await refreshWith(issued.refresh_token, signedIn.clientId);
    expect(rotated.status).toBe(200);
    expect(rotated.json.refresh_token).not.toBe(issued.refresh_token);
    expect((await mcpCall(rotated.json.access_token ?? '')).status).toBe(200);
    expect((await refreshWith(issued.refresh_token, signedIn.clientId)).json.error).toBe('invalid_grant');
  });

  it('ends the grant when Google rejects the stored refresh token: 401 to sign in again, then 401 again, no loop', async () => {
    const signedIn = await signIn();
    const issued = (await redeem(signedIn)).json;
    const unread = { name: 'get_unread_emails', arguments: { limit: 1 } };
    // A first call leaves a Google access token cached in the warm function; revoking the
    // grant at Google kills that one too.
    const before = await mcpCall(issued.access_token ?? '', 'tools/call', unread);
    expect(before.status).toBe(200);
    expect(before.text).toContain('"structuredContent"');
    expect(before.text).not.toContain('"isError":true');
    await emulator.revokeGrants(signedIn.email);
    const call = await mcpCall(issued.access_token ?? '', 'tools/call', unread);
    expect(call.status).toBe(401);
    expect(call.challenge).toContain('error="invalid_token"');
    expect(call.challenge).toContain('resource_metadata=');
    expect((await mcpCall(issued.access_token ?? '')).status).toBe(401);
    const refreshed = await refreshWith(issued.refresh_token, signedIn.clientId);
    expect(refreshed.json.error).toBe('invalid_grant');
  });
});

/** One 2026-07-28 request as the revision has a client send it: the envelope in `_meta`, and its headers. */
async function modernCall(
  token: string,
  method: string,
  params: Record<string, unknown> = {},
  options: { version?: string; meta?: Record<string, unknown>; headers?: Record<string, string | undefined> } = {},
) {
  const version = options.version ?? '2026-07-28';
  const meta = options.meta ?? {
    'io.modelcontextprotocol/protocolVersion': version,
    'io.modelcontextprotocol/clientCapabilities': {},
  };
  const headers: Record<string, string | undefined> = {
    authorization: `Bearer ${token}`,
    'content-type': 'application/json',
    accept: 'application/json, text/event-stream',
    'mcp-protocol-version': version,
    'mcp-method': method,
    ...options.headers,
  };
  const response = await fetch(`${apiUrl}/mcp`, {
    method: 'POST',
    headers: Object.fromEntries(Object.entries(headers).filter((entry): entry is [string, string] => !!entry[1])),
    body: JSON.stringify({ jsonrpc: '2.0', id: 7, method, params: { ...params, _meta: meta } }),
  });
  return {
    status: response.status,
    json: (await response.json()) as {
      result?: Record<string, unknown>;
      error?: { code: number; message: string; data?: Record<string, unknown> };
    },
  };
}

describe('the 2026-07-28 wire on /mcp', () => {
  let token = '';
  beforeAll(async () => {
    token = (await redeem(await signIn())).json.access_token ?? '';
  });

  it('answers server/discover with the revisions, capabilities and server it offers, without a handshake', async () => {
    const discovered = await modernCall(token, 'server/discover');
    expect(discovered.status).toBe(200);
    const result = discovered.json.result ?? {};
    expect(result.supportedVersions).toContain('2026-07-28');
    // Tools, and the MCP Apps views as resources (the extension, declared in capabilities.extensions).
    expect(result.capabilities).toEqual({
      tools: { listChanged: false },
      resources: { listChanged: false },
      extensions: { 'io.modelcontextprotocol/ui': { mimeTypes: ['text/html;profile=mcp-app'] } },
    });
    expect(result.resultType).toBe('complete');
    expect(result._meta).toMatchObject({ 'io.modelcontextprotocol/serverInfo': { name: 'chatgpt-broker' } });
    // A tool call needs no initialize either, and its result says it is complete.
    const listed = await modernCall(
      token,
      'tools/call',
      { name: 'list_labels', arguments: {} },
      {
        headers: { 'mcp-name': 'list_labels' },
      },
    );
    expect(listed.json.result).toMatchObject({
      resultType: 'complete',
      structuredContent: { labels: expect.any(Array) },
    });
  });

  it('answers a version it does not speak with UnsupportedProtocolVersionError naming the ones it does', async () => {
    const unknown = await modernCall(token, 'tools/list', {}, { version: '2099-01-01' });
    expect(unknown.status).toBe(400);
    expect(unknown.json.error?.code).toBe(-32022);
    expect(unknown.json.error?.data).toMatchObject({ requested: '2099-01-01', supported: ['2026-07-28'] });
  });

  it('checks the envelope and the headers the revision requires against the body', async () => {
    const noCapabilities = await modernCall(
      token,
      'tools/list',
      {},
      {
        meta: { 'io.modelcontextprotocol/protocolVersion': '2026-07-28' },
      },
    );
    expect(noCapabilities.status).toBe(400);
    expect(noCapabilities.json.error?.message).toContain('io.modelcontextprotocol/clientCapabilities');
    const noVersionHeader = await modernCall(
      token,
      'tools/list',
      {},
      { headers: { 'mcp-protocol-version': undefined } },
    );
    expect(noVersionHeader.status).toBe(400);
    expect(noVersionHeader.json.error?.message).toContain('MCP-Protocol-Version header is absent');
    const otherMethod = await modernCall(token, 'tools/list', {}, { headers: { 'mcp-method': 'tools/call' } });
    expect(otherMethod.status).toBe(400);
    const otherName = await modernCall(
      token,
      'tools/call',
      { name: 'send_email', arguments: {} },
      {
        headers: { 'mcp-name': 'list_labels' },
      },
    );
    expect(otherName.status).toBe(400);
    expect(otherName.json.error?.message).toContain('Mcp-Name');
    // Nothing was sent through the mismatched call.
    expect(otherName.json.result).toBeUndefined();
  });

  it('still speaks 2025-06-18 to a client that asks for it', async () => {
    const initialized = await mcpCall(token, 'initialize', {
      protocolVersion: '2025-06-18',
      capabilities: {},
      clientInfo: { name: 'old', version: '1' },
    });
    expect(initialized.status).toBe(200);
    expect(initialized.text).toContain('"protocolVersion":"2025-06-18"');
  });
});

describe('client ID metadata documents', () => {
  let server: Server;
  let documentUrl: string;
  let document: unknown;

  beforeAll(async () => {
    server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(document));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    documentUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/client.json`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('takes a client named by its metadata document URL, with the redirect URIs the document lists', async () => {
    const user = await newUser();
    await emulator.setConsentUser(user.email);
    document = { client_id: documentUrl, client_name: 'Document client', redirect_uris: [REDIRECT_URI] };
    const { verifier, challenge } = pkce();
    const browser = new Browser();
    const consent = await browser.request(authorizationUrl(documentUrl, challenge));
    expect(await consent.clone().text()).toContain('Document client');
    const back = await browser.signIn(authorizationUrl(documentUrl, challenge), REDIRECT_URI);
    const issued = await redeem({
      clientId: documentUrl,
      code: back.searchParams.get('code') ?? '',
      verifier,
      email: user.email,
    });
    expect(issued.status).toBe(200);
    expect((await mcpCall(issued.json.access_token ?? '')).status).toBe(200);
  });

  it('refuses a document that names another client_id, or is too large, saying only that it could not be used', async () => {
    const { challenge } = pkce();
    document = { client_id: 'https://elsewhere.example/client.json', redirect_uris: [REDIRECT_URI] };
    expect((await new Browser().request(authorizationUrl(documentUrl, challenge))).status).toBe(400);
    document = { client_id: documentUrl, redirect_uris: [REDIRECT_URI], padding: randomBytes(6_000).toString('hex') };
    const tooLarge = await new Browser().request(authorizationUrl(documentUrl, challenge));
    expect(tooLarge.status).toBe(400);
    const page = await tooLarge.text();
    expect(page).toContain('could not be used');
    expect(page).not.toContain('too large');
  });
});
