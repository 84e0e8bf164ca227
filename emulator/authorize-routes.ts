import { DEMO_USER } from './demo.ts';
import { oauthError } from './google-errors.ts';
import { formBody, header } from './http.ts';
import type { Route, RouteContext, RouteResult } from './router.ts';
import type { EmulatorState } from './state.ts';

/**
 * Google's authorization endpoint (`/o/oauth2/v2/auth`) and the authorization-code grant,
 * so the broker's MCP sign-in runs with no Google account and no browser: the endpoint
 * consents at once as the user `login_hint` names, else the chosen consent user (control
 * API), else the demo user, and redirects back with a code. Any redirect URI is accepted
 * (Google checks it against the client's registered list; the emulator has none).
 */

/** Path of the authorization endpoint, as in `https://accounts.google.com/o/oauth2/v2/auth`. */
export const AUTHORIZE_PATH = '/o/oauth2/v2/auth';

function page(status: number, message: string): RouteResult {
  return { status, body: `Error ${status}: ${message}`, headers: { 'Content-Type': 'text/plain; charset=UTF-8' } };
}

function authorize(state: EmulatorState, context: RouteContext): RouteResult {
  const q = context.url.searchParams;
  const clientId = q.get('client_id');
  const redirectUri = q.get('redirect_uri');
  if (!clientId) return page(400, 'invalid_request: Missing required parameter: client_id');
  if (!redirectUri) return page(400, 'invalid_request: Missing required parameter: redirect_uri');
  let target: URL;
  try {
    target = new URL(redirectUri);
  } catch {
    return page(400, 'invalid_request: redirect_uri is not a URL');
  }
  const back = (params: Record<string, string>) => {
    for (const [name, value] of Object.entries(params)) target.searchParams.set(name, value);
    const stateParam = q.get('state');
    if (stateParam !== null) target.searchParams.set('state', stateParam);
    return { status: 302, headers: { Location: target.toString() } };
  };
  if (q.get('response_type') !== 'code') return back({ error: 'unsupported_response_type' });
  const scopes = (q.get('scope') ?? '').split(/\s+/).filter(Boolean);
  if (scopes.length === 0) return back({ error: 'invalid_scope' });
  const method = q.get('code_challenge_method');
  const challenge = q.get('code_challenge') ?? undefined;
  if (challenge !== undefined && method !== 'S256') return back({ error: 'invalid_request' });

  const hinted = q.get('login_hint') ?? undefined;
  const email = [hinted, state.consentUser, DEMO_USER.email].find(
    (candidate) => candidate !== undefined && state.accounts.findUser(candidate) !== undefined,
  );
  if (email === undefined) return back({ error: 'access_denied' });
  const code = state.accounts.issueCode({ email, scopes, clientId, redirectUri, codeChallenge: challenge });
  return back({ code, scope: scopes.join(' ') });
}

/** The token endpoint's `authorization_code` grant; `refresh_token` stays in oauth-routes.ts. */
export function exchangeCode(state: EmulatorState, context: RouteContext): RouteResult {
  const form = formBody(context.body);
  const basic = /^Basic\s+(\S+)$/i.exec(header(context.req, 'authorization') ?? '')?.[1];
  const [basicId, basicSecret] = basic ? Buffer.from(basic, 'base64').toString('utf8').split(':') : [];
  const code = form.get('code');
  if (!code) throw oauthError(400, 'invalid_request', 'Missing required parameter: code');
  const result = state.accounts.redeemCode({
    code,
    clientId: form.get('client_id') ?? basicId,
    clientSecret: form.get('client_secret') ?? basicSecret,
    redirectUri: form.get('redirect_uri') ?? undefined,
    codeVerifier: form.get('code_verifier') ?? undefined,
  });
  if (result === 'invalid_grant') throw oauthError(400, 'invalid_grant', 'Malformed auth code.');
  if (result === 'redirect_uri_mismatch') throw oauthError(400, 'redirect_uri_mismatch', 'Bad Request');
  return {
    body: {
      access_token: result.token,
      refresh_token: result.refreshToken,
      expires_in: 3599,
      scope: result.scopes.join(' '),
      token_type: 'Bearer',
    },
  };
}

/** The authorization endpoint route, bound to one emulator's state. */
export function authorizeRoutes(state: EmulatorState): Route[] {
  return [{ method: 'GET', pattern: /^\/o\/oauth2\/v2\/auth$/, handler: (context) => authorize(state, context) }];
}
