import { createHash, randomBytes } from 'node:crypto';
import { identifyUser } from '../google/identity.ts';
import type { HttpResponse } from '../http/response.ts';
import { redirect, type WebRequest } from '../http/web-handler.ts';
import type { Store } from '../jobs/table.ts';
import { registerSecrets } from '../log.ts';
import { googleScopesFor, toolNames } from '../mcp/catalog.ts';
import { allTools } from '../operations.ts';
import { findClient, markClientUsed } from './clients.ts';
import { CONSENT_COOKIE, consentCookie, consentPage } from './consent.ts';
import { OAuthError, OAuthPageError } from './errors.ts';
import { exchangeGoogleCode, googleAuthorizationUrl } from './google.ts';
import { codes, grants, hashSecret, randomSecret, requests } from './records.ts';
import { isRegisteredRedirectUri, redirectUriProblem } from './redirect-uris.ts';
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
function backToClient(redirectUri: string, params: Record<string, string | undefined>, issuer: string): HttpResponse {
  const url = new URL(redirectUri);
  for (const [name, value] of Object.entries({ ...params, iss: issuer }))
    if (value !== undefined) url.searchParams.set(name, value);
  return redirect(url.toString());
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
  // One scope per tool; an empty or absent scope (ChatGPT sends `scope=`) means every tool.
  const asked = (q.get('scope') ?? '').split(' ').filter(Boolean);
  const tools = asked.length === 0 ? [...toolNames] : toolNames.filter((name) => asked.includes(name));
  if (tools.length === 0) throw new OAuthPageError('invalid_scope', `Known scopes: ${toolNames.join(' ')}.`);
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
    tools,
    browserHash: hashSecret(browser),
    approved: false,
    upstreamVerifier: randomBytes(32).toString('base64url'),
    expiresAt: now + REQUEST_LIFETIME_MS,
  });
  return consentPage({
    requestId,
    clientName: client.clientName,
    redirectUri,
    tools,
    action: urls.authorize,
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
  const tools = pending.tools.filter((name) => {
    const operation = allTools.find((candidate) => candidate.name === name);
    return operation?.scopes.every((scope) => google.scopes.includes(scope)) ?? false;
  });
  if (tools.length === 0)
    return back({ error: 'access_denied', error_description: 'No Google permission needed by the tools was granted.' });

  const now = Date.now();
  const grantId = randomSecret('').slice(0, 32);
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
    createdAt: now,
    expiresAt: now + GRANT_LIFETIME_MS,
  });
  await markClientUsed(store, pending.clientId, now);
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
  return back({ code });
}

export { S256 };
