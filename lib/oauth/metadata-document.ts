import CachePolicy from 'http-cache-semantics';
import type { Config } from '../config.ts';
import { callTimeout } from '../deadline.ts';
import { logger } from '../log.ts';
import { publicGet, readCapped } from '../net/public-fetch.ts';
import { SERVICE } from '../service.ts';
import { OAuthError } from './errors.ts';

/**
 * Client ID metadata documents (draft-ietf-oauth-client-id-metadata-document): a client
 * named by an https URL whose JSON document says who it is. The URL comes from whoever
 * sent the request, so the fetch goes only to public addresses (checked at connect time,
 * lib/net/public-fetch.ts), follows no redirect, and is capped in time and size. Whatever
 * goes wrong, the answer says only that the document could not be used: how the remote
 * host answered (status, size, content) is not for the caller to learn. Good documents are
 * kept as HTTP caching allows (RFC 9111), within a cap.
 */

/** A document larger than this, or slower than this, is not used. */
export const METADATA_MAX_BYTES = 5_120;
export const METADATA_TIMEOUT_MS = 3_000;
/** Longest a document is kept, whatever its `max-age`; and how many are kept per instance. */
export const METADATA_CACHE_MAX_MS = 3_600_000;
export const METADATA_CACHE_ENTRIES = 100;

/** The one answer to every failure. */
export const UNUSABLE_DOCUMENT = 'The client metadata document could not be used.';

/** What went wrong, for the log only. */
class Unusable extends Error {}

const cache = new Map<string, { client: unknown; until: number }>();

function remember(url: string, client: unknown, until: number, now: number): void {
  if (until <= now) return;
  cache.delete(url);
  cache.set(url, { client, until: Math.min(until, now + METADATA_CACHE_MAX_MS) });
  // A Map iterates in insertion order: the first entries are the oldest.
  for (const key of cache.keys()) {
    if (cache.size <= METADATA_CACHE_ENTRIES) break;
    cache.delete(key);
  }
}

const REQUEST_HEADERS = { accept: 'application/json', 'user-agent': SERVICE };

async function download(url: URL, config: Config, now: number): Promise<{ document: unknown; until: number }> {
  // Tests serve documents on http://127.0.0.1 where the deployment allows it; nothing else private.
  const loopbackAllowed = config.OAUTH_ALLOW_LOOPBACK_HTTP && url.protocol === 'http:' && url.hostname === '127.0.0.1';
  const response = await publicGet(url, {
    signal: callTimeout(METADATA_TIMEOUT_MS),
    headers: REQUEST_HEADERS,
    trustLiteral: loopbackAllowed,
  });
  if (response.statusCode !== 200) {
    response.resume();
    throw new Unusable(`answered ${response.statusCode}`);
  }
  const body = await readCapped(
    response,
    METADATA_MAX_BYTES,
    () => new Unusable(`larger than ${METADATA_MAX_BYTES} bytes`),
  );
  const text = body.toString('utf8');
  const policy = new CachePolicy(
    { url: url.pathname + url.search, method: 'GET', headers: { host: url.host, ...REQUEST_HEADERS } },
    { status: 200, headers: response.headers },
    { shared: true },
  );
  return { document: JSON.parse(text) as unknown, until: policy.storable() ? now + policy.timeToLive() : now };
}

/**
 * The client the document at `url` describes, as `parse` reads it from the document's
 * JSON (`parse` throws when the document will not do): from the cache while fresh, else
 * fetched. Every failure is an {@link OAuthError} saying only {@link UNUSABLE_DOCUMENT};
 * the reason goes to the log.
 */
export async function clientFromDocument<T>(
  url: URL,
  config: Config,
  parse: (document: unknown) => T,
  now = Date.now(),
): Promise<T> {
  const cached = cache.get(url.href);
  if (cached && cached.until > now) return cached.client as T;
  cache.delete(url.href);
  try {
    const { document, until } = await download(url, config, now);
    const client = parse(document);
    remember(url.href, client, until, now);
    return client;
  } catch (error) {
    logger.warn('client metadata document not used', {
      host: url.host,
      reason: error instanceof Error ? `${error.name}: ${error.message}`.slice(0, 300) : 'unknown',
    });
    throw new OAuthError('invalid_client', UNUSABLE_DOCUMENT);
  }
}
