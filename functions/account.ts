import { identifyUser } from '#lib/google/identity';
import { SCOPES } from '#lib/google/scopes';
import { toHttpFailure } from '#lib/http/errors';
import { HttpResponse } from '#lib/http/response';
import { redirect, type WebRequest, webHandler } from '#lib/http/web-handler';
import { setDefaultComputer } from '#lib/jobs/default-computer';
import { listComputers, pairComputer, unpairComputer } from '#lib/jobs/pairing';
import { socketsFor } from '#lib/jobs/sockets';
import { registerSecrets } from '#lib/log';
import { exchangeGoogleCode, googleAuthorizationUrl } from '#lib/oauth/google';
import { endGrant } from '#lib/oauth/grant-access';
import { grants } from '#lib/oauth/records';
import { brokerUrls } from '#lib/oauth/urls';
import { endpoints } from '#lib/operations';
import { ACCOUNT_PATHS, renderAccount, renderSignedOut } from '#lib/pages/account-page';
import {
  type AccountSession,
  createSession,
  csrfMatches,
  endSession,
  readSession,
  SESSION_COOKIE,
  SIGNIN_COOKIE,
  signInVerifier,
  startSignIn,
} from '#lib/pages/account-session';
import { type Store, storeFor } from '#lib/store/table';
import { canonicalLocation } from '#lib/web/canonical-host';
import { escapeHtml, PAGE_HEADERS, page } from '#lib/web/page';

const { home, signIn, callback, unpair, signOut, makeDefault, revoke, pair } = ACCOUNT_PATHS;

const html = (status: number, body: string) => new HttpResponse(status, body, { ...PAGE_HEADERS });
const refusal = (status: number, message: string) =>
  html(
    status,
    page(
      'Your account · ChatGPT Broker',
      `<main><h1>Your account</h1><p>${escapeHtml(message)}</p><p><a href="${escapeHtml(home)}">Back to your account</a></p></main>`,
    ),
  );

async function route(request: WebRequest): Promise<HttpResponse> {
  const { config, event } = request;
  const store = storeFor(config);
  const base = brokerUrls(config, event).issuer;
  const path = event.rawPath;
  const method = event.requestContext.http.method;

  // One host for the whole sign-in, before any cookie is set.
  const canonical = canonicalLocation(request, base);
  if (canonical) return redirect(canonical);
  if (method === 'GET' && path === signIn) {
    const start = startSignIn();
    const url = googleAuthorizationUrl(config, {
      // Who the person is, nothing of their mail.
      scopes: [SCOPES.openid, SCOPES.email],
      state: start.state,
      redirectUri: `${base}${callback}`,
      codeChallenge: start.codeChallenge,
      offline: false,
    });
    return redirect(url, start.cookie);
  }
  if (method === 'GET' && path === callback) {
    const verifier = signInVerifier(request.cookies.get(SIGNIN_COOKIE), request.query.get('state'));
    const code = request.query.get('code');
    if (!verifier || !code)
      return refusal(400, 'This sign-in was not started in this browser, or it expired. Sign in again.');
    const tokens = await exchangeGoogleCode(config, {
      code,
      redirectUri: `${base}${callback}`,
      codeVerifier: verifier,
    });
    registerSecrets(tokens.accessToken, tokens.refreshToken);
    const user = await identifyUser({ accessToken: tokens.accessToken }, config);
    return redirect(`${base}${home}`, await createSession(store, user));
  }

  const secret = request.cookies.get(SESSION_COOKIE);
  const session = await readSession(store, secret);
  if (method === 'GET' && path === home) {
    if (!session) return html(200, renderSignedOut(ACCOUNT_PATHS));
    return html(200, await accountPage(store, session));
  }
  if (method !== 'POST') return refusal(404, 'There is no such page.');
  if (!session || !secret) return refusal(401, 'Your session ended. Sign in again.');
  if (!csrfMatches(session, request.form.get('csrf'))) {
    return refusal(403, 'This form did not come from your account page. Nothing was changed.');
  }
  if (path === signOut) return redirect(`${base}/`, await endSession(store, secret));
  if (path === makeDefault) {
    if (!(await setDefaultComputer(store, session.user.id, request.form.get('computer') ?? ''))) {
      return refusal(404, 'No computer paired with your account has that id.');
    }
    return redirect(`${base}${home}`);
  }
  if (path === unpair) {
    const wanted = request.form.get('computer') ?? '';
    const computers = await listComputers(store, session.user.id);
    // Only the person's own computers are looked at: another's answers as one that does not exist.
    if (!computers.some((computer) => computer.agent_id === wanted)) {
      return refusal(404, 'No computer paired with your account has that id.');
    }
    await unpairComputer(store, socketsFor(config), session.user, wanted);
    return redirect(`${base}${home}`);
  }
  if (path === revoke) {
    const wanted = request.form.get('grant') ?? '';
    // Only the person's own grants are looked at: another's answers as one that does not exist.
    if (!(await grants.ofUser(store, session.user.id)).some((grant) => grant.grantId === wanted)) {
      return refusal(404, 'No application you allowed has that id.');
    }
    await endGrant(store, config, wanted);
    return redirect(`${base}${home}`);
  }
  if (path === pair) {
    try {
      await pairComputer(store, socketsFor(config), session.user, request.form.get('code') ?? '', Date.now());
    } catch (error) {
      const failure = toHttpFailure(error);
      if (!failure.expose) throw error;
      return html(failure.status, await accountPage(store, session, failure.message));
    }
    return redirect(`${base}${home}`);
  }
  return refusal(404, 'There is no such page.');
}

/** The signed-in page with the person's computers and grants, and a notice when a form failed. */
async function accountPage(store: Store, session: AccountSession, notice?: string): Promise<string> {
  const [computers, granted] = await Promise.all([
    listComputers(store, session.user.id),
    grants.ofUser(store, session.user.id),
  ]);
  return renderAccount({
    paths: ACCOUNT_PATHS,
    email: session.user.email,
    csrf: session.csrf,
    computers,
    grants: granted,
    ...(notice ? { notice } : {}),
  });
}

/**
 * The account page: sign in with Google (identity only); see, pair (by code) and unpair
 * computers, choose the default; see and revoke MCP grants; sign out.
 */
export const handler = webHandler(endpoints.account, 'page', route);
