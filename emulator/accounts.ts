import { createHash, randomBytes } from 'node:crypto';

/**
 * Users, OAuth grants and tokens. A grant is what one consent produced: a refresh token
 * plus the access tokens minted from it. Revoking any token of a grant revokes all of
 * it, as Google's revoke endpoint does; expiring an access token leaves the grant alive
 * so a refresh still works.
 */

const GOOGLE_AUTH = 'https://www.googleapis.com/auth/';

/** Scope strings as Google spells them in tokens and tokeninfo. */
export const SCOPES = {
  readonly: `${GOOGLE_AUTH}gmail.readonly`,
  send: `${GOOGLE_AUTH}gmail.send`,
  compose: `${GOOGLE_AUTH}gmail.compose`,
  modify: `${GOOGLE_AUTH}gmail.modify`,
  full: 'https://mail.google.com/',
  email: `${GOOGLE_AUTH}userinfo.email`,
  profile: `${GOOGLE_AUTH}userinfo.profile`,
  openid: 'openid',
} as const;

/** Scopes a user gets when created without any: read, send, modify and email. */
export const DEFAULT_SCOPES: readonly string[] = [SCOPES.readonly, SCOPES.send, SCOPES.modify, SCOPES.email];

/** Access tokens live an hour less a second, like Google's. */
export const ACCESS_TOKEN_SECONDS = 3599;

/** `aud`/`azp` of tokens whose grant names no OAuth client. */
export const DEFAULT_CLIENT_ID = 'emulator-client.apps.googleusercontent.com';

/** Google accepts `email`, `profile` and bare `gmail.send`; store the full URL forms. */
export function normalizeScope(scope: string): string {
  if (scope === 'email' || scope === 'profile') return `${GOOGLE_AUTH}userinfo.${scope}`;
  if (scope === 'openid' || scope.includes(':')) return scope;
  return `${GOOGLE_AUTH}${scope}`;
}

export interface Grant {
  email: string;
  scopes: readonly string[];
  refreshToken: string;
  clientId: string | undefined;
  clientSecret: string | undefined;
  revoked: boolean;
}

export interface AccessToken {
  grant: Grant;
  expiresAt: number;
  /** The client the token was issued to (its `aud`). */
  clientId: string;
}

export interface User {
  email: string;
  name: string | undefined;
}

export interface CreateUserInput {
  email: string;
  name?: string | undefined;
  token?: string | undefined;
  refreshToken?: string | undefined;
  scopes?: readonly string[] | undefined;
  expiresInSeconds?: number | undefined;
  clientId?: string | undefined;
  clientSecret?: string | undefined;
}

/** Why a refresh failed, in the token endpoint's own words. */
export type RefreshFailure = 'invalid_grant' | 'invalid_client';

const randomToken = (prefix: string) => `${prefix}${randomBytes(24).toString('base64url')}`;

/** A code the authorization endpoint handed out, waiting for the token endpoint. */
interface PendingCode {
  email: string;
  scopes: readonly string[];
  clientId: string;
  redirectUri: string;
  codeChallenge: string | undefined;
  expiresAt: number;
}

/** Why a code exchange failed, in the token endpoint's own words. */
export type CodeFailure = 'invalid_grant' | 'redirect_uri_mismatch';

export class Accounts {
  private readonly users = new Map<string, User>();
  private readonly codes = new Map<string, PendingCode>();
  private readonly accessTokens = new Map<string, AccessToken>();
  private readonly refreshTokens = new Map<string, Grant>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Creates the user (or adds a grant to an existing one) and returns its tokens. */
  createUser(input: CreateUserInput): { email: string; token: string; refreshToken: string } {
    const key = input.email.toLowerCase();
    const existing = this.users.get(key);
    const user: User = existing ?? { email: input.email, name: input.name };
    if (existing !== undefined && input.name !== undefined) existing.name = input.name;
    this.users.set(key, user);

    const refreshToken = input.refreshToken ?? randomToken('1//emu-');
    const grant: Grant = {
      email: user.email,
      scopes: (input.scopes ?? DEFAULT_SCOPES).map(normalizeScope),
      refreshToken,
      clientId: input.clientId,
      clientSecret: input.clientSecret,
      revoked: false,
    };
    this.refreshTokens.set(refreshToken, grant);
    const token = input.token ?? randomToken('ya29.emu-');
    this.accessTokens.set(token, {
      grant,
      expiresAt: this.now() + (input.expiresInSeconds ?? ACCESS_TOKEN_SECONDS) * 1000,
      clientId: input.clientId ?? DEFAULT_CLIENT_ID,
    });
    return { email: user.email, token, refreshToken };
  }

  findUser(email: string): User | undefined {
    return this.users.get(email.toLowerCase());
  }

  /** The live access token, or undefined when unknown, revoked or expired. */
  authenticate(token: string | undefined): AccessToken | undefined {
    if (token === undefined) return undefined;
    const access = this.accessTokens.get(token);
    if (access === undefined || access.grant.revoked || access.expiresAt <= this.now()) return undefined;
    return access;
  }

  /**
   * Mints a new access token from a refresh token. When the grant was created with
   * client credentials, the caller must present the same ones.
   */
  refresh(
    refreshToken: string,
    clientId: string | undefined,
    clientSecret: string | undefined,
  ): { token: string; access: AccessToken } | RefreshFailure {
    const grant = this.refreshTokens.get(refreshToken);
    if (grant === undefined || grant.revoked) return 'invalid_grant';
    if (grant.clientId !== undefined && (clientId !== grant.clientId || clientSecret !== grant.clientSecret)) {
      return 'invalid_client';
    }
    const token = randomToken('ya29.emu-');
    const access: AccessToken = {
      grant,
      expiresAt: this.now() + ACCESS_TOKEN_SECONDS * 1000,
      clientId: grant.clientId ?? clientId ?? DEFAULT_CLIENT_ID,
    };
    this.accessTokens.set(token, access);
    return { token, access };
  }

  /** Issues a one-time authorization code (10 minutes, like Google's) for a user's consent. */
  issueCode(input: Omit<PendingCode, 'expiresAt'>): string {
    const code = randomToken('4/emu-');
    this.codes.set(code, { ...input, scopes: input.scopes.map(normalizeScope), expiresAt: this.now() + 600_000 });
    return code;
  }

  /**
   * Redeems an authorization code once: the same client and redirect URI, and the PKCE
   * verifier when a challenge was sent. The grant gets the client's credentials, so its
   * refresh token works only for that client, as Google's does.
   */
  redeemCode(input: {
    code: string;
    clientId: string | undefined;
    clientSecret: string | undefined;
    redirectUri: string | undefined;
    codeVerifier: string | undefined;
  }): { token: string; refreshToken: string; scopes: readonly string[] } | CodeFailure {
    const pending = this.codes.get(input.code);
    this.codes.delete(input.code);
    if (pending === undefined || pending.expiresAt <= this.now() || pending.clientId !== input.clientId)
      return 'invalid_grant';
    if (pending.redirectUri !== input.redirectUri) return 'redirect_uri_mismatch';
    if (pending.codeChallenge !== undefined) {
      const computed = createHash('sha256')
        .update(input.codeVerifier ?? '')
        .digest('base64url');
      if (computed !== pending.codeChallenge) return 'invalid_grant';
    }
    const created = this.createUser({
      email: pending.email,
      scopes: pending.scopes,
      clientId: pending.clientId,
      clientSecret: input.clientSecret,
    });
    return { token: created.token, refreshToken: created.refreshToken, scopes: pending.scopes };
  }

  /** Revokes every grant a user has (what "remove access" in the Google account does); their count. */
  revokeAll(email: string): number {
    let count = 0;
    for (const grant of this.refreshTokens.values()) {
      if (grant.email.toLowerCase() === email.toLowerCase() && !grant.revoked) {
        grant.revoked = true;
        count++;
      }
    }
    return count;
  }

  /** Revokes the whole grant behind an access or refresh token; false if unknown. */
  revoke(token: string): boolean {
    const grant = this.accessTokens.get(token)?.grant ?? this.refreshTokens.get(token);
    if (grant === undefined) return false;
    grant.revoked = true;
    return true;
  }

  /** Expires one access token now; its refresh token keeps working. */
  expire(token: string): boolean {
    const access = this.accessTokens.get(token);
    if (access === undefined) return false;
    access.expiresAt = this.now() - 1;
    return true;
  }

  /** A stable numeric `sub` per user, shaped like Google's 21-digit account ids. */
  static subjectOf(email: string): string {
    const digest = createHash('sha256').update(email.toLowerCase()).digest();
    return `1${digest.readBigUInt64BE(0).toString().padStart(20, '0').slice(0, 20)}`;
  }
}

/** True when any of `granted` satisfies one of `accepted`. */
export function hasAnyScope(granted: readonly string[], accepted: readonly string[]): boolean {
  return granted.some((scope) => accepted.includes(scope));
}
