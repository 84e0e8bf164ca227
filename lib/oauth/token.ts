import { timingSafeEqual } from 'node:crypto';
import { HttpResponse } from '../http/response.ts';
import type { WebRequest } from '../http/web-handler.ts';
import type { Store } from '../jobs/table.ts';
import { registerSecrets } from '../log.ts';
import { S256 } from './authorize.ts';
import { findClient, type KnownClient } from './clients.ts';
import { OAuthError } from './errors.ts';
import { endGrant } from './grant-access.ts';
import { codes, type GrantRecord, grants, hashSecret, randomSecret, tokens } from './records.ts';
import { keyWrapper, seal, unseal } from './sealing.ts';

/** The token endpoint's success answer (RFC 6749 §5.1). */
export interface TokenAnswer {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  refresh_token: string;
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

/** Issues an access token and a refresh token for a grant; only their hashes are stored. */
async function issue(store: Store, grant: GrantRecord, accessSeconds: number, now = Date.now()): Promise<TokenAnswer> {
  const accessToken = randomSecret('mcp-at-');
  const refreshToken = randomSecret('mcp-rt-');
  const record = { grantId: grant.grantId, clientId: grant.clientId, resource: grant.resource, tools: grant.tools };
  await tokens.putAccess(store, hashSecret(accessToken), { ...record, expiresAt: now + accessSeconds * 1000 });
  await tokens.putRefresh(store, hashSecret(refreshToken), { ...record, expiresAt: grant.expiresAt });
  registerSecrets(accessToken, refreshToken);
  return {
    access_token: accessToken,
    token_type: 'Bearer',
    expires_in: accessSeconds,
    refresh_token: refreshToken,
    scope: grant.tools.join(' '),
  };
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

  const now = Date.now();
  const wrapper = await keyWrapper(config);
  if (await codes.redeem(store, codeHash, now)) {
    const grant = await grants.get(store, record.grantId);
    if (!grant) throw invalidGrant('The authorization has been revoked.');
    const answer = await issue(store, grant, config.MCP_ACCESS_TOKEN_SECONDS, now);
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
 * The refresh-token grant, with rotation: the presented token is consumed as it is read
 * and a new pair is issued. A token that was already used (or never existed) is refused.
 */
async function refresh(request: WebRequest, store: Store, client: KnownClient): Promise<TokenAnswer> {
  const token = request.form.get('refresh_token') ?? '';
  registerSecrets(token);
  const record = token ? await tokens.takeRefresh(store, hashSecret(token)) : undefined;
  if (!record || record.clientId !== client.clientId) throw invalidGrant('The refresh token is not valid.');
  const grant = await grants.get(store, record.grantId);
  if (!grant) throw invalidGrant('The authorization has ended; sign in again.');
  return issue(store, grant, request.config.MCP_ACCESS_TOKEN_SECONDS);
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
  const hash = hashSecret(token);
  const record = (await tokens.getAccess(store, hash)) ?? (await tokens.takeRefresh(store, hash));
  if (record && record.clientId === client.clientId) {
    await endGrant(store, request.config, record.grantId);
    await tokens.revokeAccess(store, hash);
  }
  return new HttpResponse(200, {}, { 'Cache-Control': 'no-store' });
}
