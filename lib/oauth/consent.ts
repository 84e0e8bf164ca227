import { HttpResponse } from '../http/response.ts';
import { allTools } from '../operations.ts';
import { escapeHtml, PAGE_HEADERS, page } from './pages.ts';
import { hashSecret } from './records.ts';

/** The consent cookie: HttpOnly, only over https (`__Host-`), sent back on our own form post and Google's redirect. */
export const CONSENT_COOKIE = '__Host-broker-consent';

/** `Set-Cookie` for the consent cookie, valid as long as the authorization request. */
export function consentCookie(value: string, maxAgeSeconds: number): string {
  return `${CONSENT_COOKIE}=${value}; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age=${maxAgeSeconds}`;
}

/** The grant cookie's name for one client (its id hashed: ids may be URLs). */
export function grantCookieName(clientId: string): string {
  return `__Host-broker-grant-${hashSecret(clientId).slice(0, 16)}`;
}

/**
 * `Set-Cookie` naming the grant this browser just made for a client (`<grant id>.<secret>`,
 * the secret stored only hashed), so a later step-up asks only for what is new.
 */
export function grantCookie(clientId: string, value: string, maxAgeSeconds: number): string {
  return `${grantCookieName(clientId)}=${value}; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age=${maxAgeSeconds}`;
}

/**
 * The page that asks the user, per client, whether it may act for them: the client's
 * name (as it named itself: escaped, and said to be unverified), where it will receive
 * the answer, and each tool it asked for with what the tool does. Everything the client
 * supplied is HTML-escaped.
 */
export function consentPage(options: {
  requestId: string;
  clientName: string;
  redirectUri: string;
  tools: readonly string[];
  /** Tools the client keeps from this browser's earlier grant (step-up): named, not asked again. */
  kept: readonly string[];
  action: string;
  cookie: string;
}): HttpResponse {
  const redirectHost = (() => {
    try {
      return new URL(options.redirectUri).host || options.redirectUri;
    } catch {
      return options.redirectUri;
    }
  })();
  const items = allTools
    .filter((operation) => options.tools.includes(operation.name))
    .map((operation) => {
      const acts = operation.tool.readOnlyHint ? '' : ' <span class="acts">(acts for you)</span>';
      return `<li><strong>${escapeHtml(operation.name)}</strong>: ${escapeHtml(operation.summary)}${acts}</li>`;
    })
    .join('');
  const kept =
    options.kept.length === 0
      ? ''
      : `<p>It keeps what you allowed before: ${options.kept.map((name) => `<strong>${escapeHtml(name)}</strong>`).join(', ')}.</p>`;
  const body = `<h1>Allow access?</h1>
<p><strong>${escapeHtml(options.clientName)}</strong> (a name the application gave itself) wants to use your
Gmail and your paired computer through this broker. It will be sent back to <code>${escapeHtml(redirectHost)}</code>.</p>
<p>It will be able to:</p><ul>${items}</ul>${kept}
<p>You will sign in with Google next. You can revoke this access at any time.</p>
<form method="post" action="${escapeHtml(options.action)}">
<input type="hidden" name="request" value="${escapeHtml(options.requestId)}">
<button type="submit" name="decision" value="approve">Allow</button>
<button type="submit" name="decision" value="deny">Deny</button>
</form>`;
  return new HttpResponse(200, page('Allow access?', body), { ...PAGE_HEADERS, 'Set-Cookie': options.cookie });
}
