import type { Config } from '../config.ts';
import { registerSecrets } from '../log.ts';
import type { Store } from '../store/table.ts';
import { GoogleGrantEnded, type GoogleTokens, refreshGoogleToken, revokeGoogleToken } from './google.ts';
import { type GrantRecord, grants, type TokenRecord, tokens } from './records.ts';
import { keyWrapper, openWithToken, unseal } from './sealing.ts';

/** A request's authority on the MCP endpoint: a valid broker access token and the Google token sealed in it. */
export interface McpAccess {
  token: TokenRecord;
  /** The bearer token itself (to delete it when Google refuses the access token it carries). */
  bearer: string;
  googleAccessToken: string;
}

/**
 * Why a bearer token was refused, for the `WWW-Authenticate` challenge. Not a BrokerError:
 * it never reaches the error mapping, since the MCP endpoint (lib/mcp/endpoint.ts) answers it as that challenge.
 */
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
 * Checks a broker access token for this resource with one table read: it must exist (by
 * hash, in its grant's partition), be unexpired and bound to `resource` (RFC 8707 audience).
 * Ending a grant deletes its tokens, so a token that exists belongs to a live grant. The
 * Google access token is opened with a key derived from the bearer token: no KMS, no
 * Google call. Google tokens are never accepted here.
 */
export async function authenticateMcp(
  store: Store,
  authorization: string | undefined,
  resource: string,
  now = Date.now(),
): Promise<McpAccess> {
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '')?.[1];
  if (!bearer) throw new McpTokenRefused('missing', 'Sign in: this server needs an access token it issued.');
  registerSecrets(bearer);
  const record = await tokens.getAccess(store, bearer, now);
  if (!record?.google) throw new McpTokenRefused('invalid', 'The access token is unknown or expired.');
  if (record.resource !== resource)
    throw new McpTokenRefused('invalid', 'The access token was issued for another resource.');
  const googleAccessToken = openWithToken(record.google, bearer, record.grantId);
  registerSecrets(googleAccessToken);
  return { token: record, bearer, googleAccessToken };
}

/**
 * A fresh Google access token for the grant's user, from its sealed refresh token (one KMS
 * Decrypt and one call to Google's token endpoint): done when the client obtains or
 * refreshes its broker token, never on a tool call. Google's `invalid_grant` ends the
 * grant here and now ({@link GoogleGrantEnded} goes up).
 */
export async function freshGoogleToken(store: Store, config: Config, grant: GrantRecord): Promise<GoogleTokens> {
  const refreshToken = await unseal(await keyWrapper(config), grant.googleRefreshToken, grant.grantId);
  registerSecrets(refreshToken);
  try {
    const fresh = await refreshGoogleToken(config, refreshToken);
    registerSecrets(fresh.accessToken);
    return fresh;
  } catch (error) {
    if (error instanceof GoogleGrantEnded) await grants.revoke(store, grant.grantId);
    throw error;
  }
}

/** Ends a grant: tells Google to drop the refresh token (best effort) and deletes the grant and its tokens. */
export async function endGrant(store: Store, config: Config, grantId: string): Promise<void> {
  const grant = await grants.get(store, grantId);
  try {
    if (grant) {
      const refreshToken = await unseal(await keyWrapper(config), grant.googleRefreshToken, grant.grantId);
      registerSecrets(refreshToken);
      await revokeGoogleToken(config, refreshToken);
    }
  } catch {
    // Google's side is best effort; ours ends below whatever Google said.
  } finally {
    await grants.revoke(store, grantId);
  }
}
