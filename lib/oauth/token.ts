import { timingSafeEqual } from 'node:crypto';
import type { Config } from '../config.ts';
import { HttpResponse } from '../http/response.ts';
import type { WebRequest } from '../http/web-handler.ts';
import { registerSecrets } from '../log.ts';
import type { Store } from '../store/table.ts';
import { S256 } from './authorize.ts';
import { findClient, type KnownClient } from './clients.ts';
import { OAuthError } from './errors.ts';
import { GoogleGrantEnded, type GoogleTokens } from './google.ts';
import { endGrant, freshGoogleToken } from './grant-access.ts';
import { codes, type GrantRecord, grants, hashSecret, newToken, tokens } from './records.ts';
import { OFFLINE_ACCESS } from './scopes.ts';
import { keyWrapper, seal, sealWithToken, unseal } from './sealing.ts';

/** The token endpoint's success answer (RFC 6749 §5.1). */
export interface TokenAnswer {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  /** Only when the grant allows it (SEP-2207). */
  refresh_token?: string;
  scope: string;
}

const invalidGrant = (description: string) => new OAuthError('invalid_grant', description);

function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** The calling client, authenticated as it registered: PKCE alone for public clients, its secret otherwise. */
async function authenticateClient(request: WebRequest, store: Store): Promise<KnownClient> {
  let clientId = request.form.get('client_id') ?? undefined;
  let secret = request.form.get('client_secret') ?? undefined;
  const basic = /^Basic\s+(\S+)$/i.exec(request.header('authorization') ?? '')?.[1];
  const unknown = new OAuthError('invalid_client', 'Client authentication failed.', 401);
  if (basic) {
    const decoded = Buffer.from(basic, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    try {
      clientId = decodeURIComponent(decoded.slice(0, colon));
      secret = decodeURIComponent(decoded.slice(colon + 1));
    } catch {
      throw unknown;
    }
  }
  if (!clientId) throw unknown;
  const client = await findClient(store, request.config, clientId).catch(() => undefined);
  if (!client) throw unknown;
  if (client.secretHash && !(secret && safeEqual(hashSecret(secret), client.secretHash))) throw unknown;
  return client;
}

/** An access token ends this long before the Google access token sealed in it. */
const GOOGLE_MARGIN_SECONDS = 60;

/**
 * The Google access token to seal into the next access token. Asked before the code or
 * refresh token is spent, so Google being unreachable leaves the client's credential
 * usable for a retry; Google's `invalid_grant` has ended the grant (`invalid_grant` here too).
 */
export async function googleTokenForIssue(store: Store, config: Config, grant: GrantRecord): Promise<GoogleTokens> {
  try {
    return await freshGoogleToken(store, config, grant);
  } catch (error) {
    if (error instanceof GoogleGrantEnded) throw invalidGrant('Google ended the authorization; sign in again.');
    throw error;
  }
}

/**
 * Issues an access token (and, when the grant allows, a refresh token) for a grant; only
 * their hashes are stored. The Google access token (from {@link googleTokenForIssue}) is
 * sealed into the access token's record under a key derived from the access token, so a
 * tool call needs no KMS or Google token call; the access token expires no later than it.
 */
export async function issueTokens(
  store: Store,
  config: Config,
  grant: GrantRecord,
  google: GoogleTokens,
  now = Date.now(),
): Promise<TokenAnswer> {
  const seconds = Math.max(1, Math.min(config.MCP_ACCESS_TOKEN_SECONDS, google.expiresIn - GOOGLE_MARGIN_SECONDS));
  const accessToken = newToken('at', grant.grantId);
  const record = {
    grantId: grant.grantId,
    userId: grant.userId,
    clientId: grant.clientId,
    resource: grant.resource,
    tools: grant.tools,
  };
  await tokens.putAccess(store, accessToken, {
    ...record,
    expiresAt: now + seconds * 1000,
    google: sealWithToken(google.accessToken, accessToken, grant.grantId),
  });
  registerSecrets(accessToken);
  await grants.markRefreshed(store, grant.grantId, now);
  const answer: TokenAnswer = {
    access_token: accessToken,
    token_type: 'Bearer',
    expires_in: seconds,
    scope: [...grant.tools, ...(grant.refreshable === false ? [] : [OFFLINE_ACCESS])].join(' '),
  };
  // Grants from before SEP-2207 handling (no `refreshable`) always had refresh tokens.
  if (grant.refreshable === false) return answer;
  const refreshToken = newToken('rt', grant.grantId);
  await tokens.putRefresh(store, refreshToken, { ...record, expiresAt: grant.expiresAt });
  registerSecrets(refreshToken);
  return { ...answer, refresh_token: refreshToken };
}

/**
 * The authorization-code grant. The code is marked redeemed with a conditional write, so
 * two concurrent redemptions cannot both issue tokens. A second redemption by the same
 * client, with the right verifier, within `OAUTH_CODE_REUSE_GRACE_SECONDS` gets the very
 * same answer (ChatGPT posts the code twice and keeps the second answer); any later one
 * is a replay: refused, and the grant it produced is revoked (RFC 6749 §4.1.2).
 */
async function redeemCode(request: WebRequest, store: Store, client: KnownClient): Promise<TokenAnswer> {
  const { form, config } = request;
  const code = form.get('code') ?? '';
  const verifier = form.get('code_verifier') ?? '';
  registerSecrets(code, verifier);
  const codeHash = hashSecret(code);
  const record = code ? await codes.get(store, codeHash) : undefined;
  if (!record || record.clientId !== client.clientId) throw invalidGrant('The authorization code is not valid.');
  if (form.get('redirect_uri') !== record.redirectUri)
    throw invalidGrant('redirect_uri does not match the authorization request.');
  if (!verifier || !safeEqual(S256(verifier), record.codeChallenge))
    throw invalidGrant('The PKCE code_verifier does not match the code_challenge.');
  const resource = form.get('resource');
  if (resource && resource !== record.resource)
    throw new OAuthError('invalid_target', 'The resource does not match the authorization.');

  const wrapper = await keyWrapper(config);
  // Google first (unless this is a repeat), so its failure does not burn the code.
  const unused = record.redeemedAt === undefined && record.expiresAt > Date.now();
  const grant = unused ? await grants.get(store, record.grantId) : undefined;
  if (unused && !grant) throw invalidGrant('The authorization has been revoked.');
  const google = grant && (await googleTokenForIssue(store, config, grant));
  const now = Date.now();
  if (grant && google && (await codes.redeem(store, codeHash, now))) {
    const answer = await issueTokens(store, config, grant, google, now);
    await codes.keepAnswer(store, codeHash, await seal(wrapper, JSON.stringify(answer), codeHash));
    return answer;
  }
  const redeemedAt = (await codes.get(store, codeHash))?.redeemedAt;
  const graceEnds = (redeemedAt ?? 0) + config.OAUTH_CODE_REUSE_GRACE_SECONDS * 1000;
  if (redeemedAt !== undefined && now <= graceEnds) {
    // The first redemption may still be writing its answer: give it a moment.
    for (let attempt = 0; attempt < 20; attempt++) {
      const answer = (await codes.get(store, codeHash))?.answer;
      if (answer) {
        const same = JSON.parse(await unseal(wrapper, answer, codeHash)) as TokenAnswer;
        registerSecrets(same.access_token, same.refresh_token);
        // Never hand out a refresh token that was already rotated away: the first answer's
        // holder has moved on, so this is no double post.
        if (same.refresh_token) {
          const first = await tokens.getRefresh(store, same.refresh_token);
          if (!first || first.usedAt !== undefined) throw invalidGrant('The authorization code was already used.');
        }
        return same;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw invalidGrant('The authorization code is being redeemed; try again.');
  }
  if (redeemedAt !== undefined) await endGrant(store, config, record.grantId);
  throw invalidGrant(
    redeemedAt === undefined ? 'The authorization code has expired.' : 'The authorization code was already used.',
  );
}

/**
 * The refresh-token grant, with rotation: the presented token is spent as it is used and
 * a new pair is issued. Only the client it was issued to may use it (another client's
 * attempt changes nothing); presenting a spent token again means it was stolen or
 * replayed, so the grant ends (RFC 9700 §4.14.2).
 */
async function refresh(request: WebRequest, store: Store, client: KnownClient): Promise<TokenAnswer> {
  const token = request.form.get('refresh_token') ?? '';
  registerSecrets(token);
  const { config } = request;
  const refused = invalidGrant('The refresh token is not valid.');
  const record = await tokens.getRefresh(store, token);
  if (!record || record.clientId !== client.clientId) throw refused;
  if (record.usedAt !== undefined) {
    await endGrant(store, config, record.grantId);
    throw refused;
  }
  const grant = await grants.get(store, record.grantId);
  if (!grant) throw invalidGrant('The authorization has ended; sign in again.');
  // Google first, so its failure leaves the refresh token unspent for a retry.
  const google = await googleTokenForIssue(store, config, grant);
  if (!(await tokens.spendRefresh(store, token, client.clientId))) {
    // Spent by a concurrent request since it was read: that is a second use too.
    await endGrant(store, config, record.grantId);
    throw refused;
  }
  return issueTokens(store, config, grant, google);
}

/** The token endpoint: authorization code and refresh token grants. */
export async function tokenEndpoint(request: WebRequest, store: Store): Promise<HttpResponse> {
  const client = await authenticateClient(request, store);
  const grantType = request.form.get('grant_type');
  let answer: TokenAnswer;
  if (grantType === 'authorization_code') answer = await redeemCode(request, store, client);
  else if (grantType === 'refresh_token') answer = await refresh(request, store, client);
  else throw new OAuthError('unsupported_grant_type', 'grant_type must be authorization_code or refresh_token.');
  return new HttpResponse(200, answer, { 'Cache-Control': 'no-store', Pragma: 'no-cache' });
}

/**
 * The revocation endpoint (RFC 7009): either of a grant's tokens ends the whole grant, and the
 * Google refresh token sealed in it is deleted with it. Unknown tokens answer 200 too.
 */
export async function revokeEndpoint(request: WebRequest, store: Store): Promise<HttpResponse> {
  const client = await authenticateClient(request, store);
  const token = request.form.get('token') ?? '';
  registerSecrets(token);
  // Read, not taken: a token is deleted (with its grant) only for the client it was issued to.
  const record = (await tokens.getAccess(store, token)) ?? (await tokens.getRefresh(store, token));
  if (record && record.clientId === client.clientId) await endGrant(store, request.config, record.grantId);
  return new HttpResponse(200, {}, { 'Cache-Control': 'no-store' });
}
