import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from '#lib/config';
import { fetchMetadataDocument } from '#lib/oauth/clients';
import {
  clientFromDocument,
  METADATA_CACHE_ENTRIES,
  METADATA_CACHE_MAX_MS,
  METADATA_MAX_BYTES,
  UNUSABLE_DOCUMENT,
} from '#lib/oauth/metadata-document';

const config = parseConfig({ OAUTH_ALLOW_LOOPBACK_HTTP: 'true' });
let server: Server;
let base: string;
/** Requests the server saw, per path. */
const seen = new Map<string, number>();
let answer: (path: string, res: ServerResponse) => void;

beforeAll(async () => {
  server = createServer((req: IncomingMessage, res) => {
    const path = req.url ?? '/';
    seen.set(path, (seen.get(path) ?? 0) + 1);
    answer(path, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => seen.clear());

/** Serves a valid document for whatever path is asked, with these response headers. */
function serveDocuments(headers: Record<string, string>) {
  answer = (path, res) => {
    res.writeHead(200, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify({ client_id: `${base}${path}`, redirect_uris: ['https://app.example/cb'] }));
  };
}

const read = (path: string, now: number) =>
  clientFromDocument(new URL(`${base}${path}`), config, (document) => document, now);

describe('client metadata documents are kept as HTTP caching allows', () => {
  it('reads a document again only once its max-age has passed', async () => {
    serveDocuments({ 'cache-control': 'max-age=60' });
    const now = Date.now();
    await read('/fresh.json', now);
    await read('/fresh.json', now + 59_000);
    expect(seen.get('/fresh.json')).toBe(1);
    await read('/fresh.json', now + 61_000);
    expect(seen.get('/fresh.json')).toBe(2);
  });

  it('keeps nothing a document says not to keep, or says nothing about', async () => {
    const now = Date.now();
    for (const [path, headers] of [
      ['/no-store.json', { 'cache-control': 'no-store, max-age=60' }],
      ['/no-cache.json', { 'cache-control': 'no-cache' }],
      ['/private.json', { 'cache-control': 'private, max-age=60' }],
      ['/silent.json', {}],
    ] as const) {
      serveDocuments(headers);
      await read(path, now);
      await read(path, now + 1_000);
      expect(seen.get(path), path).toBe(2);
    }
  });

  it('keeps a document at most an hour, whatever its max-age', async () => {
    serveDocuments({ 'cache-control': 'max-age=31536000' });
    const now = Date.now();
    await read('/forever.json', now);
    await read('/forever.json', now + METADATA_CACHE_MAX_MS - 1_000);
    expect(seen.get('/forever.json')).toBe(1);
    await read('/forever.json', now + METADATA_CACHE_MAX_MS + 1_000);
    expect(seen.get('/forever.json')).toBe(2);
  });

  it(`keeps at most ${METADATA_CACHE_ENTRIES} documents, dropping the oldest`, async () => {
    serveDocuments({ 'cache-control': 'max-age=600' });
    const now = Date.now();
    for (let i = 0; i <= METADATA_CACHE_ENTRIES; i += 1) await read(`/many-${i}.json`, now);
    await read(`/many-${METADATA_CACHE_ENTRIES}.json`, now);
    expect(seen.get(`/many-${METADATA_CACHE_ENTRIES}.json`)).toBe(1);
    await read('/many-0.json', now);
    expect(seen.get('/many-0.json')).toBe(2);
  });
});

describe('a client metadata document that cannot be used', () => {
  it.each<[string, (res: ServerResponse, clientId: string) => void]>([
    ['a 404', (res) => res.writeHead(404).end('{"error":"not here"}')],
    ['a 500', (res) => res.writeHead(500).end()],
    ['a redirect', (res) => res.writeHead(302, { location: 'https://app.example/client.json' }).end()],
    ['a body over the cap', (res) => res.writeHead(200).end(`{"pad":"${'x'.repeat(METADATA_MAX_BYTES)}"}`)],
    ['a body that is not JSON', (res) => res.writeHead(200).end('<html>sign in</html>')],
    [
      'a document naming another client',
      (res) =>
        res
          .writeHead(200)
          .end(JSON.stringify({ client_id: 'https://x.example/c', redirect_uris: ['https://a.example/cb'] })),
    ],
    [
      'a document with a bad redirect URI',
      (res, clientId) =>
        res.writeHead(200).end(JSON.stringify({ client_id: clientId, redirect_uris: ['ms-msdt:/id'] })),
    ],
    [
      'a confidential client',
      (res, clientId) =>
        res.writeHead(200).end(
          JSON.stringify({
            client_id: clientId,
            redirect_uris: ['https://a.example/cb'],
            token_endpoint_auth_method: 'client_secret_post',
          }),
        ),
    ],
  ])('is refused saying only that it could not be used: %s', async (what, respond) => {
    const path = `/bad-${what.replaceAll(' ', '-')}.json`;
    answer = (_path, res) => respond(res, `${base}${path}`);
    const refusal = await fetchMetadataDocument(`${base}${path}`, config).catch((error: unknown) => error);
    expect(refusal).toMatchObject({ code: 'invalid_client', description: UNUSABLE_DOCUMENT });
    expect(seen.get(path)).toBe(1);
  });

  it('is read again next time (a failure is not kept)', async () => {
    answer = (_path, res) => res.writeHead(503).end();
    await expect(fetchMetadataDocument(`${base}/flaky.json`, config)).rejects.toMatchObject({ code: 'invalid_client' });
    serveDocuments({ 'cache-control': 'max-age=60' });
    await expect(fetchMetadataDocument(`${base}/flaky.json`, config)).resolves.toMatchObject({
      redirectUris: ['https://app.example/cb'],
    });
    expect(seen.get('/flaky.json')).toBe(2);
  });
});
