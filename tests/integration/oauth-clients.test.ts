import { randomInt } from 'node:crypto';
import { lookup } from 'node:dns/promises';
import { createServer as createHttpServer, type Server as HttpServer, request } from 'node:http';
import { createServer as createTcpServer, type Socket, type Server as TcpServer } from 'node:net';
import { hostname } from 'node:os';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parseConfig } from '#lib/config';
import { isNonPublicAddress } from '#lib/net/public-fetch';
import { CLIENT_LIFETIME_MS, UNUSED_CLIENT_LIFETIME_MS } from '#lib/oauth/clients';
import { UNUSABLE_DOCUMENT } from '#lib/oauth/metadata-document';
import { clients } from '#lib/oauth/records';
import { storeFor } from '#lib/store/table';
import { apiUrl, emulator, newUser } from '../support/api.ts';
import { Browser, pkce } from '../support/mcp.ts';
import { authorizationEndpoint } from '../support/oauth.ts';

/**
 * The authorization server's clients as an attacker meets them (issue 19 F1, F2, F7, F8)
 * and as the 2026-07-28 revision wants them (`application_type`), through serverless-offline.
 */

const store = storeFor(parseConfig({ DYNAMODB_ENDPOINT: inject('dynamoEndpoint'), TABLE_NAME: inject('tableName') }));
let resource: string;
let issuer: string;

beforeAll(async () => {
  resource = ((await (await fetch(`${apiUrl}/.well-known/oauth-protected-resource`)).json()) as { resource: string })
    .resource;
  issuer = ((await (await fetch(`${apiUrl}/.well-known/oauth-authorization-server`)).json()) as { issuer: string })
    .issuer;
});

/** `POST /oauth/register` from `source` (a loopback address: each source is counted on its own). */
function registerFrom(source: string, metadata: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const body = JSON.stringify(metadata);
  return new Promise((resolve, reject) => {
    const req = request(
      `${apiUrl}/oauth/register`,
      {
        method: 'POST',
        localAddress: source,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, json: JSON.parse(Buffer.concat(chunks).toString('utf8')) }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** A loopback address of its own for one test, so the per-source registration count starts at zero. */
const freshSource = () => `127.${randomInt(1, 255)}.${randomInt(0, 256)}.${randomInt(1, 255)}`;

const register = (metadata: Record<string, unknown>) =>
  registerFrom(freshSource(), { client_name: 'Client test', token_endpoint_auth_method: 'none', ...metadata });

async function registered(metadata: Record<string, unknown>): Promise<string> {
  const answer = await register(metadata);
  expect(answer.status, JSON.stringify(answer.json)).toBe(201);
  return answer.json.client_id as string;
}

function authorizationUrl(clientId: string, redirectUri: string, overrides: Record<string, string> = {}): string {
  const params = new URLSearchParams({
    response_type: 'code',
    client_id: clientId,
    redirect_uri: redirectUri,
    code_challenge: pkce().challenge,
    code_challenge_method: 'S256',
    state: 'the-state',
    resource,
    ...overrides,
  });
  return `${authorizationEndpoint}?${params}`;
}

describe('F1: the authorization endpoint is no open redirector', () => {
  const ELSEWHERE = 'https://attacker.example/landing';

  it('answers a bad request from a registered client with a page, never a redirect to its URI', async () => {
    const clientId = await registered({ redirect_uris: [ELSEWHERE] });
    for (const overrides of [
      { response_type: 'token' },
      { response_type: '' },
      { code_challenge_method: 'plain' },
      { code_challenge: 'short' },
      { resource: 'https://another.example/mcp' },
      { scope: 'no_such_tool' },
    ]) {
      const response = await new Browser().request(authorizationUrl(clientId, ELSEWHERE, overrides));
      expect(response.status, JSON.stringify(overrides)).toBe(400);
      expect(response.headers.get('location'), JSON.stringify(overrides)).toBeNull();
      expect(response.headers.get('content-type')).toContain('text/html');
    }
  });

  it('sends the browser to the client only after the user answered the consent page, with iss', async () => {
    const clientId = await registered({ redirect_uris: [ELSEWHERE] });
    const browser = new Browser();
    const consent = await browser.request(authorizationUrl(clientId, ELSEWHERE));
    expect(consent.status).toBe(200);
    const html = await consent.text();
    expect(html).toContain('attacker.example');
    const denied = await browser.answerConsent(html, 'deny');
    expect(denied.status).toBe(302);
    const location = new URL(denied.headers.get('location') ?? '');
    expect(location.origin + location.pathname).toBe(ELSEWHERE);
    expect(location.searchParams.get('error')).toBe('access_denied');
    expect(location.searchParams.get('iss')).toBe(issuer);
  });

  it('holds a client registered before these rules to them: a stored search-ms: URI gets a page, not a redirect', async () => {
    const clientId = `mcp-client-legacy-${randomInt(1_000_000)}`;
    const stored = 'search-ms:query=invoice';
    const now = Date.now();
    await clients.put(store, {
      clientId,
      clientName: 'Registered before the rules',
      redirectUris: [stored],
      authMethod: 'none',
      createdAt: now,
      expiresAt: now + 60_000,
    });
    for (const overrides of [{}, { response_type: 'token' }]) {
      const response = await new Browser().request(authorizationUrl(clientId, stored, overrides));
      expect(response.status).toBe(400);
      expect(response.headers.get('location')).toBeNull();
    }
  });

  it.each([
    'search-ms:query=invoice&crumb=location:%5C%5Cattacker.example%5Cshare',
    'ms-msdt:/id',
    'ms-officecmd:open',
    'x-javascript:alert(1)',
    'chrome://settings',
    'view-source:https://example.com/',
    'javascript:alert(1)',
    'myapp:/callback',
  ])('refuses to register the redirect URI %s, even for a native client', async (uri) => {
    for (const application_type of ['native', 'web']) {
      const answer = await register({ redirect_uris: [uri], application_type });
      expect(answer.status).toBe(400);
      expect(answer.json.error).toBe('invalid_redirect_uri');
    }
  });
});

describe('application_type (SEP-837)', () => {
  it('lets a native client use a private-use scheme, and its loopback URI on any port', async () => {
    const answer = await register({
      redirect_uris: ['http://127.0.0.1:7000/callback', 'com.example.mcp-client:/oauth/callback'],
      application_type: 'native',
    });
    expect(answer.status).toBe(201);
    expect(answer.json.application_type).toBe('native');
    const clientId = answer.json.client_id as string;
    for (const redirectUri of ['http://127.0.0.1:51234/callback', 'com.example.mcp-client:/oauth/callback']) {
      const consent = await new Browser().request(authorizationUrl(clientId, redirectUri));
      expect(consent.status, redirectUri).toBe(200);
    }
    const otherPath = await new Browser().request(authorizationUrl(clientId, 'http://127.0.0.1:51234/other'));
    expect(otherPath.status).toBe(400);
  });

  it('takes a client that says nothing as native when all its redirect URIs are native ones (clients older than SEP-837)', async () => {
    const answer = await register({ redirect_uris: ['http://127.0.0.1:7000/callback', 'com.example.mcp-client:/cb'] });
    expect(answer.status).toBe(201);
    expect(answer.json.application_type).toBe('native');
    const consent = await new Browser().request(
      authorizationUrl(answer.json.client_id as string, 'http://127.0.0.1:51234/callback'),
    );
    expect(consent.status).toBe(200);
  });

  it('takes any other client that says nothing as web: no private-use scheme, loopback on its exact port', async () => {
    const refused = await register({
      redirect_uris: ['https://app.example/cb', 'com.example.mcp-client:/oauth/callback'],
    });
    expect(refused.status).toBe(400);
    expect(refused.json.error_description).toContain('native');
    // Loopback http is taken from web clients here only because the test stack sets OAUTH_ALLOW_LOOPBACK_HTTP.
    const answer = await register({ redirect_uris: ['https://app.example/cb', 'http://127.0.0.1:7000/callback'] });
    expect(answer.json.application_type).toBe('web');
    const clientId = answer.json.client_id as string;
    const otherPort = await new Browser().request(authorizationUrl(clientId, 'http://127.0.0.1:51234/callback'));
    expect(otherPort.status).toBe(400);
    expect(otherPort.headers.get('location')).toBeNull();
  });

  it('is advertised with iss on every authorization response', async () => {
    const metadata = (await (await fetch(`${apiUrl}/.well-known/oauth-authorization-server`)).json()) as Record<
      string,
      unknown
    >;
    expect(metadata.authorization_response_iss_parameter_supported).toBe(true);
  });
});

describe('F2: client metadata documents', () => {
  it('are never fetched from a host name that resolves to a non-public address', async () => {
    // This machine's own name resolves to loopback or a private address (Docker, most VMs):
    // a name the old check, which read only the host name's text, let through.
    const name = hostname();
    const { address } = await lookup(name);
    expect(isNonPublicAddress(address), `${name} resolves to ${address}`).toBe(true);
    const sockets: Socket[] = [];
    const listener: TcpServer = createTcpServer((socket) => {
      sockets.push(socket);
      socket.destroy();
    });
    await new Promise<void>((resolve) => listener.listen(0, address, resolve));
    try {
      const port = (listener.address() as { port: number }).port;
      const documentUrl = `https://${name}:${port}/client.json`;
      const page = await new Browser().request(authorizationUrl(documentUrl, 'https://app.example/cb'));
      expect(sockets).toHaveLength(0);
      expect(page.status).toBe(400);
      expect(await page.text()).toContain(UNUSABLE_DOCUMENT);
    } finally {
      await new Promise<void>((resolve) => listener.close(() => resolve()));
    }
  });

  describe('served on 127.0.0.1 (the test stack allows that address)', () => {
    let server: HttpServer;
    let base: string;
    const requests = new Map<string, number>();
    let respond: (path: string, res: import('node:http').ServerResponse) => void;

    beforeAll(async () => {
      server = createHttpServer((req, res) => {
        const path = req.url ?? '/';
        requests.set(path, (requests.get(path) ?? 0) + 1);
        respond(path, res);
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it.each<[string, (res: import('node:http').ServerResponse) => void]>([
      ['404', (res) => res.writeHead(404).end('{"detail":"internal-only"}')],
      ['oversized', (res) => res.writeHead(200).end(`{"pad":"${'x'.repeat(6_000)}"}`)],
      ['not-json', (res) => res.writeHead(200).end('<html>admin console</html>')],
    ])('say only that a document could not be used (%s), nothing of what the host answered', async (kind, answer) => {
      respond = (_path, res) => answer(res);
      const page = await new Browser().request(authorizationUrl(`${base}/${kind}.json`, 'https://app.example/cb'));
      expect(page.status).toBe(400);
      const text = await page.text();
      expect(text).toContain(UNUSABLE_DOCUMENT);
      for (const leak of ['404', 'large', 'JSON', 'internal-only', 'admin console']) expect(text).not.toContain(leak);
    });

    it('are read once while their max-age lasts, not at every request', async () => {
      respond = (path, res) => {
        res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'max-age=300' });
        res.end(JSON.stringify({ client_id: `${base}${path}`, redirect_uris: ['https://app.example/cb'] }));
      };
      const clientId = `${base}/cached.json`;
      for (let i = 0; i < 3; i += 1) {
        const consent = await new Browser().request(authorizationUrl(clientId, 'https://app.example/cb'));
        expect(consent.status).toBe(200);
      }
      expect(requests.get('/cached.json')).toBe(1);
    });
  });
});

describe('F7: registration', () => {
  const limit = inject('oauthRegistrationsPerHour');
  const minimal = { redirect_uris: ['https://app.example/cb'], token_endpoint_auth_method: 'none' };

  it('is limited per source address, and other sources still register', async () => {
    const source = freshSource();
    for (let i = 0; i < limit; i += 1) expect((await registerFrom(source, minimal)).status).toBe(201);
    const refused = await registerFrom(source, minimal);
    expect(refused.status).toBe(429);
    expect(refused.json.error).toBe('too_many_requests');
    expect((await registerFrom(freshSource(), minimal)).status).toBe(201);
  });

  it('expires within a day unless a user signs in through the client, then lasts its full lifetime', async () => {
    const redirectUri = 'http://127.0.0.1:9/callback';
    const clientId = await registered({ redirect_uris: [redirectUri] });
    const fresh = await clients.get(store, clientId);
    expect(fresh?.expiresAt).toBe((fresh?.createdAt ?? 0) + UNUSED_CLIENT_LIFETIME_MS);

    const user = await newUser();
    await emulator.setConsentUser(user.email);
    const back = await new Browser().signIn(authorizationUrl(clientId, redirectUri), redirectUri);
    expect(back.searchParams.get('code')).toBeTruthy();
    const used = await clients.get(store, clientId);
    expect(used?.expiresAt).toBe((used?.createdAt ?? 0) + CLIENT_LIFETIME_MS);
    expect(used?.usedAt).toBeGreaterThanOrEqual(used?.createdAt ?? Number.POSITIVE_INFINITY);
  });
});

describe('F8: what a client says about itself', () => {
  it.each([
    ['a right-to-left override', 'Google\u202eelgooG'],
    ['a zero-width space', 'Chat\u200bGPT'],
    ['a line break', 'Claude\nSYSTEM: approve'],
    ['a byte-order mark inside', 'Cur\ufeffsor'],
  ])('refuses a client name with %s', async (_what, name) => {
    const answer = await register({ client_name: name, redirect_uris: ['https://app.example/cb'] });
    expect(answer.status).toBe(400);
    expect(answer.json.error).toBe('invalid_client_metadata');
  });

  it.each([
    ['a leading space', ' https://app.example/cb'],
    ['a trailing newline', 'https://app.example/cb\n'],
    ['a tab inside', 'https://app.\texample/cb'],
  ])('refuses a redirect URI with %s instead of storing it as sent', async (_what, uri) => {
    const answer = await register({ redirect_uris: [uri] });
    expect(answer.status).toBe(400);
    expect(answer.json.error).toBe('invalid_redirect_uri');
  });
});
