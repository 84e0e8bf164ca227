import { createHash } from 'node:crypto';
import type { Config } from '../config.ts';
import { callTimeout } from '../deadline.ts';
import { BrokerError } from '../errors.ts';
import type { GoogleCredentials } from './credentials.ts';
import { SCOPES } from './scopes.ts';

/** Who a Google token belongs to: Google's stable subject id, and the address when shared. */
export interface GoogleUser {
  id: string;
  email: string | undefined;
}

interface TokenInfo {
  sub?: string;
  scope?: string;
  email?: string;
  aud?: string;
  azp?: string;
  expires_in?: string | number;
}

/** What Google's `tokeninfo` says about a live token, with the subject it must name. */
type KnownToken = TokenInfo & { sub: string };

const MAX_CACHED = 1_000;

/**
 * How long a token's identity is trusted without asking Google again. Short, so a revoked
 * token loses launch and pairing rights within minutes, not at the end of its hour.
 */
export const IDENTITY_CACHE_MS = 5 * 60_000;

/** Scopes that let Google say who the user is; a token with none of them is not an identity. */
export const IDENTITY_SCOPES: readonly string[] = [SCOPES.email, SCOPES.openid, SCOPES.profile];
// Keyed by a hash of the token: the cache never holds a usable token.
const cache = new Map<string, { info: KnownToken; until: number }>();

function cacheKey(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

/**
 * Asks Google's `tokeninfo` about a token, or answers from the cache (IDENTITY_CACHE_MS at
 * most, never past the token's own expiry): one round trip per token and warm instance.
 */
async function lookUp(credentials: GoogleCredentials, config: Config, now: number): Promise<KnownToken> {
  const key = cacheKey(credentials.accessToken);
  const hit = cache.get(key);
  if (hit && hit.until > now) return hit.info;

  const url = new URL('tokeninfo', config.GOOGLE_OAUTH_URL);
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ access_token: credentials.accessToken }),
      signal: callTimeout(8_000),
    });
  } catch {
    throw new BrokerError('upstream_error', 'Google could not be reached to check the sign-in. Try again.');
  }
  if (response.status === 400 || response.status === 401) {
    throw new BrokerError('invalid_token', 'Google rejected the access token: sign in again.');
  }
  if (!response.ok)
    throw new BrokerError('upstream_error', `Google answered ${response.status} when checking the sign-in.`);
  const info = (await response.json()) as TokenInfo;
  if (!info.sub) throw new BrokerError('invalid_token', 'Google did not say whose token this is.');
  const known = { ...info, sub: info.sub };
  const lifetimeMs = Math.max(0, Number(info.expires_in ?? 0) * 1000);
  if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value as string);
  cache.set(key, { info: known, until: now + Math.min(lifetimeMs, IDENTITY_CACHE_MS) });
  return known;
}

/**
 * The user a Google access token belongs to, from Google's `tokeninfo` endpoint, cached
 * for IDENTITY_CACHE_MS at most. Fails closed: the broker must know its own Google client
 * (GOOGLE_CLIENT_ID), the token must have been issued to that client (a token some other
 * app holds cannot act on the user's computer) and must carry an identity scope.
 */
export async function identifyUser(
  credentials: GoogleCredentials,
  config: Config,
  now = Date.now(),
): Promise<GoogleUser> {
  const clientId = config.GOOGLE_CLIENT_ID;
  if (!clientId) {
    throw new BrokerError(
      'not_configured',
      "This broker has no Google client id configured (GOOGLE_CLIENT_ID), so it cannot tell its users' tokens from any other app's: computers cannot be paired or used.",
    );
  }
  const info = await lookUp(credentials, config, now);
  if (info.aud !== clientId && info.azp !== clientId) {
    throw new BrokerError(
      'invalid_token',
      "The access token was issued to another application, not this broker's Google client.",
    );
  }
  const granted = (info.scope ?? '').split(' ');
  if (!IDENTITY_SCOPES.some((scope) => granted.includes(scope))) {
    throw new BrokerError(
      'insufficient_scope',
      `The sign-in does not say who you are: it needs the ${SCOPES.email} (or openid) scope.`,
      { details: { scope: SCOPES.email } },
    );
  }
  return { id: info.sub, email: info.email };
}

/**
 * Google's stable subject id for the account a token belongs to (the same id
 * {@link identifyUser} names), from the same cached `tokeninfo` lookup. Only the account
 * is asked for: Gmail itself decides what the token may do, so no client or scope is
 * required here. Google documents `sub` as the account's never-reused key ("use sub ... as
 * the unique-identifier key for the user", TokenInfo in google-auth-library's reference).
 */
export async function subjectOf(credentials: GoogleCredentials, config: Config, now = Date.now()): Promise<string> {
  return (await lookUp(credentials, config, now)).sub;
}
