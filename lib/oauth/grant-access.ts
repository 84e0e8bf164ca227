import type { Config } from '../config.ts';
import type { Store } from '../jobs/table.ts';
import { registerSecrets } from '../log.ts';
import { GoogleGrantEnded, refreshGoogleToken, revokeGoogleToken } from './google.ts';
import { type GrantRecord, grants, hashSecret, type TokenRecord, tokens } from './records.ts';
import { keyWrapper, unseal } from './sealing.ts';

/** A request's authority on the MCP endpoint: the grant behind a valid broker access token. */
export interface McpAccess {
  grant: GrantRecord;
  token: TokenRecord;
}

/** Why a bearer token was refused, for the `WWW-Authenticate` challenge. */
export class McpTokenRefused extends Error {
  constructor(
    readonly reason: 'missing' | 'invalid',
    message: string,
  ) {
    super(message);
    this.name = 'McpTokenRefused';
  }
}

/**
 * Checks a broker access token for this resource: it must exist (by hash), be unexpired,
 * be bound to `resource` (RFC 8707 audience), and its grant must still be live. Google
 * tokens are never accepted here.
 */
export async function authenticateMcp(
  store: Store,
  authorization: string | undefined,
  resource: string,
  now = Date.now(),
): Promise<McpAccess> {
  const token = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '')?.[1];
  if (!token) throw new McpTokenRefused('missing', 'Sign in: this server needs an access token it issued.');
  registerSecrets(token);
  const record = await tokens.getAccess(store, hashSecret(token), now);
  if (!record) throw new McpTokenRefused('invalid', 'The access token is unknown or expired.');
  if (record.resource !== resource)
    throw new McpTokenRefused('invalid', 'The access token was issued for another resource.');
  const grant = await grants.get(store, record.grantId, now);
  if (!grant) throw new McpTokenRefused('invalid', 'The authorization has ended; sign in again.');
  return { grant, token: record };
}

const MAX_CACHED = 500;
// Per warm Lambda: grant id -> Google access token, until a minute before it expires.
const googleTokens = new Map<string, { token: string; until: number }>();

/**
 * A Google access token for the grant's user, from the sealed refresh token. Google's
 * `invalid_grant` ends the grant here and now ({@link GoogleGrantEnded} goes up, so the
 * client gets a 401 and signs in again rather than retrying forever).
 */
export async function googleAccessToken(
  store: Store,
  config: Config,
  grant: GrantRecord,
  now = Date.now(),
): Promise<string> {
  const hit = googleTokens.get(grant.grantId);
  if (hit && hit.until > now) {
    registerSecrets(hit.token);
    return hit.token;
  }
  const refreshToken = await unseal(await keyWrapper(config), grant.googleRefreshToken, grant.grantId);
  registerSecrets(refreshToken);
  try {
    const fresh = await refreshGoogleToken(config, refreshToken);
    registerSecrets(fresh.accessToken);
    if (googleTokens.size >= MAX_CACHED) googleTokens.delete(googleTokens.keys().next().value as string);
    googleTokens.set(grant.grantId, { token: fresh.accessToken, until: now + (fresh.expiresIn - 60) * 1000 });
    return fresh.accessToken;
  } catch (error) {
    if (error instanceof GoogleGrantEnded) {
      googleTokens.delete(grant.grantId);
      await grants.revoke(store, grant.grantId);
    }
    throw error;
  }
}

/** Forgets a cached Google token (Google refused it); the next call refreshes. */
export function forgetGoogleToken(grantId: string): void {
  googleTokens.delete(grantId);
}

/** Ends a grant: tells Google to drop the refresh token (best effort) and deletes the grant. */
export async function endGrant(store: Store, config: Config, grantId: string): Promise<void> {
  const grant = await grants.get(store, grantId);
  googleTokens.delete(grantId);
  if (!grant) return;
  try {
    const refreshToken = await unseal(await keyWrapper(config), grant.googleRefreshToken, grant.grantId);
    registerSecrets(refreshToken);
    await revokeGoogleToken(config, refreshToken);
  } catch {
    // Google's side is best effort; ours ends below whatever Google said.
  } finally {
    await grants.revoke(store, grantId);
  }
}
