import { createHash, timingSafeEqual } from 'node:crypto';
import type { GoogleUser } from '../google/identity.ts';
import { hashSecret, randomSecret } from '../oauth/records.ts';
import { keys, type Store, ttlSeconds } from '../store/table.ts';

/**
 * The account page's sign-in and session. Sign-in is Google's code flow with PKCE, its
 * state and verifier kept only in a short cookie of this browser; the session is a random
 * secret in a `__Host-` cookie, stored hashed in the table under the person (Google subject)
 * it signed in, with a CSRF token every form must echo.
 */

/** The session cookie: HttpOnly, https only, this host only (`__Host-`), not sent on cross-site posts. */
export const SESSION_COOKIE = '__Host-broker-account';
/** The sign-in cookie: the state and PKCE verifier of one sign-in, for ten minutes. */
export const SIGNIN_COOKIE = '__Host-broker-account-signin';
/** How long a session lasts: short, as it can unpair computers. */
export const SESSION_LIFETIME_MS = 30 * 60_000;
const SIGNIN_LIFETIME_MS = 10 * 60_000;

export interface AccountSession {
  user: GoogleUser;
  /** Every form carries it; a post without the same value is refused. */
  csrf: string;
}

interface SessionRecord {
  user_id: string;
  email?: string;
  csrf: string;
  expires_at: number;
  ttl: number;
}

const cookie = (name: string, value: string, maxAgeMs: number) =>
  `${name}=${value}; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age=${Math.floor(maxAgeMs / 1000)}`;

/** A new sign-in: the `state` and PKCE pair to send to Google, and the cookie that remembers them. */
export function startSignIn(): { state: string; codeChallenge: string; cookie: string } {
  const state = randomSecret('');
  const verifier = randomSecret('');
  return {
    state,
    codeChallenge: createHash('sha256').update(verifier).digest('base64url'),
    cookie: cookie(SIGNIN_COOKIE, `${state}.${verifier}`, SIGNIN_LIFETIME_MS),
  };
}

/** The PKCE verifier of the sign-in Google's `state` names, when this browser started it; else undefined. */
export function signInVerifier(cookieValue: string | undefined, state: string | null): string | undefined {
  const [expected, verifier] = (cookieValue ?? '').split('.');
  if (!expected || !verifier || !state || !sameText(expected, state)) return undefined;
  return verifier;
}

/** Opens a session for `user`: its `Set-Cookie`. */
export async function createSession(store: Store, user: GoogleUser, now = Date.now()): Promise<string> {
  const secret = randomSecret('');
  const expiresAt = now + SESSION_LIFETIME_MS;
  const record: SessionRecord = {
    user_id: user.id,
    ...(user.email ? { email: user.email } : {}),
    csrf: randomSecret(''),
    expires_at: expiresAt,
    ttl: ttlSeconds(expiresAt),
  };
  await store.db.put({ TableName: store.table, Item: { ...keys.accountSession(hashSecret(secret)), ...record } });
  return cookie(SESSION_COOKIE, secret, SESSION_LIFETIME_MS);
}

/** The live session the cookie names, or undefined. */
export async function readSession(
  store: Store,
  secret: string | undefined,
  now = Date.now(),
): Promise<AccountSession | undefined> {
  if (!secret) return undefined;
  const { Item } = await store.db.get({
    TableName: store.table,
    Key: keys.accountSession(hashSecret(secret)),
    ConsistentRead: true,
  });
  const record = Item as SessionRecord | undefined;
  if (!record || record.expires_at <= now) return undefined;
  return { user: { id: record.user_id, email: record.email }, csrf: record.csrf };
}

/** Ends the session (sign out): its `Set-Cookie` that clears the cookie. */
export async function endSession(store: Store, secret: string): Promise<string> {
  await store.db.delete({ TableName: store.table, Key: keys.accountSession(hashSecret(secret)) });
  return cookie(SESSION_COOKIE, '', 0);
}

/** Whether a posted CSRF token is the session's (constant time). */
export function csrfMatches(session: AccountSession, posted: string | null): boolean {
  return posted !== null && sameText(session.csrf, posted);
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
