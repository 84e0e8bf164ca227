import { createHash, randomBytes } from 'node:crypto';
import { identifyUser } from '../google/identity.ts';
import { googleScopesFor, toolNames } from '../grants/scopes.ts';
import type { HttpResponse } from '../http/response.ts';
import { redirect, type WebRequest } from '../http/web-handler.ts';
import { registerSecrets } from '../log.ts';
import { count, METRIC } from '../metrics.ts';
import { allTools, endpoints } from '../operations.ts';
import type { Store } from '../store/table.ts';
import { canonicalLocation } from '../web/canonical-host.ts';
import { findClient, markClientUsed } from './clients.ts';
import { CONSENT_COOKIE, consentCookie, consentPage, grantCookie, grantCookieName } from './consent.ts';
import { OAuthError, OAuthPageError } from './errors.ts';
import { exchangeGoogleCode, googleAuthorizationUrl } from './google.ts';
import { codes, grants, hashSecret, newGrantId, randomSecret, requests } from './records.ts';
import { isRegisteredRedirectUri, redirectUriProblem } from './redirect-uris.ts';
import { OFFLINE_ACCESS, parseScope } from './scopes.ts';
import { keyWrapper, seal } from './sealing.ts';
import type { BrokerUrls } from './urls.ts';

/** An authorization request waits this long for consent and Google's answer. */
export const REQUEST_LIFETIME_MS = 10 * 60_000;
/** An authorization code must be redeemed within this. */
export const CODE_LIFETIME_MS = 60_000;
/** A grant (and its refresh tokens) ends this long after the user consented. */
export const GRANT_LIFETIME_MS = 90 * 24 * 3_600_000;

const S256 = (verifier: string) => createHash('sha256').update(verifier).digest('base64url');
const PKCE_CHALLENGE = /^[A-Za-z0-9_-]{43}$/;

/** Back to the client's (already checked) redirect URI with these parameters. */
function backToClient(
  redirectUri: string,
  params: Record<string, string | undefined>,
  issuer: string,
  cookie?: string,
): HttpResponse {
  const url = new URL(redirectUri);
  for (const [name, value] of Object.entries({ ...params, iss: issuer }))
    if (value !== undefined) url.searchParams.set(name, value);
  return redirect(url.toString(), cookie);
}

/**
 * Step-up (SEP-2350): this browser's live grant to the same client, from the grant cookie
 * its last authorization set. The new authorization keeps that grant's tools (`tools` is
 * the union, even for a client that did not accumulate scopes) and the consent page asks
 * only for the rest (`asked`). Without one, everything asked is asked.
 */
async function stepUp(store: Store, request: WebRequest, clientId: string, resource: string, tools: string[]) {
  const [grantId = '', secret = ''] = (request.cookies.get(grantCookieName(clientId)) ?? '').split('.');
  const previous = grantId && secret ? await grants.get(store, grantId) : undefined;
  if (
    !previous ||
    previous.browserHash !== hashSecret(secret) ||
    previous.clientId !== clientId ||
    previous.resource !== resource
  )
    return { tools, asked: tools, previous: undefined };
  const added = tools.filter((name) => !previous.tools.includes(name));
  if (added.length === 0) return { tools, asked: tools, previous: undefined };
  return {
    tools: toolNames.filter((name) => tools.includes(name) || previous.tools.includes(name)),
    asked: added,
    previous,
  };
}

/**
 * Checks an authorization request and shows the consent page. Every refusal here is a
 * page, never a redirect: any client's redirect URI is its own word (anyone may register
 * one, or write a metadata document), so before the user has seen the consent page our
 * domain sends no browser to it, not even with an error (RFC 9700 §4.11.2: otherwise a
 * link to us with a bad parameter is an open redirect). Redirects start once the user
 * answered the page, which names the application and where it will be sent.
 */
export async function startAuthorization(request: WebRequest, store: Store, urls: BrokerUrls): Promise<HttpResponse> {
  // Same path and query on the canonical host, before the consent cookie is set (not an open redirect).
  const canonical = canonicalLocation(request, urls.issuer);
  if (canonical) return redirect(canonical);
  const q = request.query;
  const clientId = q.get('client_id') ?? '';
  const redirectUri = q.get('redirect_uri') ?? '';
  if (!clientId) throw new OAuthPageError('invalid_request', 'The request names no client.');
  const client = await findClient(store, request.config, clientId).catch((error: unknown) => {
    throw new OAuthPageError(
      'invalid_client',
      error instanceof OAuthError ? error.description : 'This application could not be identified.',
    );
  });
  if (!client) throw new OAuthPageError('invalid_client', 'This application is not registered here.');
  // A registration older than today's rules is held to them too (a native client's rules are the widest).
  if (
    !isRegisteredRedirectUri(client.redirectUris, redirectUri, client.applicationType) ||
    redirectUriProblem(redirectUri, client.applicationType, request.config.OAUTH_ALLOW_LOOPBACK_HTTP) !== undefined
  )
    throw new OAuthPageError('invalid_request', 'The redirect URI is not one this application registered.');

  if (q.get('response_type') !== 'code')
    throw new OAuthPageError('unsupported_response_type', 'response_type must be code.');
  const codeChallenge = q.get('code_challenge') ?? '';
  if (q.get('code_challenge_method') !== 'S256' || !PKCE_CHALLENGE.test(codeChallenge))
    throw new OAuthPageError('invalid_request', 'PKCE with code_challenge_method=S256 is required.');
  const resource = q.get('resource') ?? urls.resource;
  if (resource !== urls.resource)
    throw new OAuthPageError('invalid_target', `This server issues tokens only for ${urls.resource}.`);
  const asked = parseScope(q.get('scope'));
  if (asked.tools.length === 0)
    throw new OAuthPageError('invalid_scope', `Known scopes: ${[...toolNames, OFFLINE_ACCESS].join(' ')}.`);
  // SEP-2207: refresh tokens when asked for, or when the client registered the refresh grant.
  const refreshable = asked.offline || (client.grantTypes ?? ['refresh_token']).includes('refresh_token');
  const step = await stepUp(store, request, clientId, resource, asked.tools);
  const state = q.get('state') ?? undefined;

  const requestId = randomSecret('');
  const browser = randomSecret('');
  const now = Date.now();
  await requests.put(store, {
    requestId,
    clientId,
    clientName: client.clientName,
    redirectUri,
    ...(state === undefined ? {} : { state }),
    codeChallenge,
    resource,
    tools: step.tools,
    askedTools: step.asked,
    ...(step.previous ? { previousGrantId: step.previous.grantId } : {}),
    refreshable,
    browserHash: hashSecret(browser),
    approved: false,
    upstreamVerifier: randomBytes(32).toString('base64url'),
    expiresAt: now + REQUEST_LIFETIME_MS,
  });
  return consentPage({
    requestId,
    clientName: client.clientName,
    redirectUri,
    tools: step.asked,
    kept: step.previous?.tools ?? [],
    action: urls.authorize,
    account: `${urls.issuer}${endpoints.account.routes[0].path}`,
    cookie: consentCookie(browser, REQUEST_LIFETIME_MS / 1000),
  });
}

function browserHash(request: WebRequest): string {
  const cookie = request.cookies.get(CONSENT_COOKIE);
  if (!cookie) throw new OAuthPageError('access_denied', 'This sign-in was started in another browser. Start again.');
  return hashSecret(cookie);
}

/**
 * The user's answer on the consent page. Only the form's request
 * id and decision are read: where the browser goes next comes from the stored request,
 * so nothing posted can steer it. Approval is accepted once, from the browser that was
 * shown the page, and sends the user to Google for exactly the scopes the tools need.
 */
export async function decideAuthorization(request: WebRequest, store: Store, urls: BrokerUrls): Promise<HttpResponse> {
  const requestId = request.form.get('request') ?? '';
  const hash = browserHash(request);
  const pending = requestId ? await requests.get(store, requestId) : undefined;
  if (!pending || pending.browserHash !== hash)
    throw new OAuthPageError('invalid_request', 'This sign-in has expired or was already answered. Start again.');
  if (request.form.get('decision') !== 'approve') {
    await requests.take(store, requestId).catch(() => undefined);
    return backToClient(
      pending.redirectUri,
      { error: 'access_denied', error_description: 'The user declined.', state: pending.state },
      urls.issuer,
    );
  }
  if (!(await requests.approve(store, requestId, hash)))
    throw new OAuthPageError('invalid_request', 'This sign-in has expired or was already answered. Start again.');
  return redirect(
    googleAuthorizationUrl(request.config, {
      scopes: googleScopesFor(pending.tools),
      state: requestId,
      redirectUri: urls.googleCallback,
      codeChallenge: S256(pending.upstreamVerifier),
    }),
  );
}

/**
 * Google's answer. Exchanges Google's code, seals the refresh
 * token into a new grant for the tools whose Google scopes the user actually granted,
 * and sends the client its own one-time code.
 */
export async function finishAuthorization(request: WebRequest, store: Store, urls: BrokerUrls): Promise<HttpResponse> {
  const q = request.query;
  const hash = browserHash(request);
  const pending = await requests.take(store, q.get('state') ?? '');
  if (!pending || pending.browserHash !== hash)
    throw new OAuthPageError('invalid_request', 'This sign-in has expired or was already answered. Start again.');
  const back = (params: Record<string, string | undefined>) =>
    backToClient(pending.redirectUri, { ...params, state: pending.state }, urls.issuer);
  const googleCode = q.get('code');
  if (!googleCode) return back({ error: 'access_denied', error_description: 'Google sign-in was cancelled.' });

  const { config } = request;
  const google = await exchangeGoogleCode(config, {
    code: googleCode,
    redirectUri: urls.googleCallback,
    codeVerifier: pending.upstreamVerifier,
  });
  registerSecrets(googleCode, google.accessToken, google.refreshToken);
  if (!google.refreshToken)
    return back({ error: 'server_error', error_description: 'Google did not grant offline access. Sign in again.' });
  const user = await identifyUser({ accessToken: google.accessToken }, config);
  // Step-up keeps what this browser's earlier grant allowed, but only for the same person.
  const previous = pending.previousGrantId ? await grants.get(store, pending.previousGrantId) : undefined;
  const consented = previous?.userId === user.id ? pending.tools : pending.askedTools;
  const tools = consented.filter((name) => {
    const operation = allTools.find((candidate) => candidate.name === name);
    return operation?.scopes.every((scope) => google.scopes.includes(scope)) ?? false;
  });
  if (tools.length === 0)
    return back({ error: 'access_denied', error_description: 'No Google permission needed by the tools was granted.' });

  const now = Date.now();
  const grantId = newGrantId();
  const grantSecret = randomSecret('');
  await grants.put(store, {
    grantId,
    userId: user.id,
    ...(user.email ? { email: user.email } : {}),
    clientId: pending.clientId,
    clientName: pending.clientName,
    resource: pending.resource,
    tools,
    googleScopes: google.scopes,
    googleRefreshToken: await seal(await keyWrapper(config), google.refreshToken, grantId),
    refreshable: pending.refreshable,
    browserHash: hashSecret(grantSecret),
    createdAt: now,
    expiresAt: now + GRANT_LIFETIME_MS,
  });
  await markClientUsed(store, pending.clientId, now);
  count(METRIC.mcpSignIn);
  const code = randomSecret('mcp-code-');
  registerSecrets(code);
  await codes.put(
    store,
    hashSecret(code),
    {
      grantId,
      clientId: pending.clientId,
      redirectUri: pending.redirectUri,
      codeChallenge: pending.codeChallenge,
      resource: pending.resource,
      expiresAt: now + CODE_LIFETIME_MS,
    },
    now + CODE_LIFETIME_MS + 120_000,
  );
  return backToClient(
    pending.redirectUri,
    { code, state: pending.state },
    urls.issuer,
    grantCookie(pending.clientId, `${grantId}.${grantSecret}`, GRANT_LIFETIME_MS / 1000),
  );
}

export { S256 };
