import { ACCESS_TOKEN_SECONDS, Accounts, SCOPES } from './accounts.ts';
import { exchangeCode } from './authorize-routes.ts';
import { oauthError } from './google-errors.ts';
import { bearerToken, formBody, header } from './http.ts';
import type { Route, RouteContext, RouteResult } from './router.ts';
import type { EmulatorState } from './state.ts';

/**
 * Google's OAuth `token`, `tokeninfo` and `revoke` endpoints, enough for
 * google-auth-library's OAuth2Client (pointed here with `endpoints`) to refresh tokens
 * and read token info unchanged.
 */

/** A parameter from the query string or the form body, whichever has it. */
function param(context: RouteContext, form: URLSearchParams, name: string): string | undefined {
  return context.url.searchParams.get(name) ?? form.get(name) ?? undefined;
}

/** Client credentials from the form (client_secret_post) or an HTTP Basic header. */
function clientCredentials(context: RouteContext, form: URLSearchParams): { id?: string; secret?: string } {
  const basic = /^Basic\s+(\S+)$/i.exec(header(context.req, 'authorization') ?? '')?.[1];
  if (basic !== undefined) {
    const decoded = Buffer.from(basic, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon > 0)
      return { id: decodeURIComponent(decoded.slice(0, colon)), secret: decodeURIComponent(decoded.slice(colon + 1)) };
  }
  const id = form.get('client_id') ?? undefined;
  const secret = form.get('client_secret') ?? undefined;
  return { ...(id === undefined ? {} : { id }), ...(secret === undefined ? {} : { secret }) };
}

function token(state: EmulatorState, context: RouteContext): RouteResult {
  const form = formBody(context.body);
  const grantType = form.get('grant_type');
  if (grantType === 'authorization_code') return exchangeCode(state, context);
  if (grantType !== 'refresh_token') {
    throw oauthError(400, 'unsupported_grant_type', `Invalid grant_type: ${grantType ?? ''}`);
  }
  const refreshToken = form.get('refresh_token');
  if (refreshToken === null || refreshToken === '')
    throw oauthError(400, 'invalid_request', 'Missing required parameter: refresh_token');
  const client = clientCredentials(context, form);
  const result = state.accounts.refresh(refreshToken, client.id, client.secret);
  if (result === 'invalid_grant') throw oauthError(400, 'invalid_grant', 'Token has been expired or revoked.');
  if (result === 'invalid_client') throw oauthError(401, 'invalid_client', 'The OAuth client was not found.');
  return {
    body: {
      access_token: result.token,
      expires_in: ACCESS_TOKEN_SECONDS,
      scope: result.access.grant.scopes.join(' '),
      token_type: 'Bearer',
    },
  };
}

function tokenInfo(state: EmulatorState, context: RouteContext): RouteResult {
  const form = formBody(context.body);
  // OAuth2Client.getTokenInfo sends the token as a Bearer header, curl users as a parameter.
  const candidate = param(context, form, 'access_token') ?? bearerToken(context.req);
  const access = state.accounts.authenticate(candidate);
  if (access === undefined) throw oauthError(400, 'invalid_token', 'Invalid Value');
  const { grant } = access;
  const withEmail = grant.scopes.includes(SCOPES.email) || grant.scopes.includes(SCOPES.openid);
  const now = Date.now();
  return {
    body: {
      azp: access.clientId,
      aud: access.clientId,
      sub: Accounts.subjectOf(grant.email),
      scope: grant.scopes.join(' '),
      exp: String(Math.floor(access.expiresAt / 1000)),
      expires_in: String(Math.max(0, Math.floor((access.expiresAt - now) / 1000))),
      ...(withEmail ? { email: grant.email, email_verified: 'true' } : {}),
      access_type: 'online',
    },
  };
}

function revoke(state: EmulatorState, context: RouteContext): RouteResult {
  const form = formBody(context.body);
  const value = param(context, form, 'token');
  if (value === undefined || !state.accounts.revoke(value))
    throw oauthError(400, 'invalid_token', 'Token expired or revoked');
  return { body: {} };
}

/** The OAuth routes, bound to one emulator's state. */
export function oauthRoutes(state: EmulatorState): Route[] {
  const bind = (handler: (s: EmulatorState, c: RouteContext) => RouteResult) => (context: RouteContext) =>
    handler(state, context);
  return [
    { method: 'POST', pattern: /^\/token$/, handler: bind(token) },
    { method: 'GET', pattern: /^\/tokeninfo$/, handler: bind(tokenInfo) },
    { method: 'POST', pattern: /^\/tokeninfo$/, handler: bind(tokenInfo) },
    { method: 'POST', pattern: /^\/revoke$/, handler: bind(revoke) },
  ];
}
