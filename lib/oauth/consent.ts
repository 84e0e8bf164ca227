import { groupTools } from '../grants/access.ts';
import { HttpResponse } from '../http/response.ts';
import { allTools } from '../operations.ts';
import { escapeHtml, PAGE_HEADERS, page } from '../web/page.ts';
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

/** A tool's title for people (the registry's), or the name itself for anything else granted. */
function titleOf(name: string): string {
  return allTools.find((operation) => operation.name === name)?.tool.title ?? name;
}

/** The host the client's redirect URI names (what a person can recognise), or the URI itself. */
function hostOf(uri: string): string {
  try {
    return new URL(uri).host || uri;
  } catch {
    return uri;
  }
}

const STYLE =
  '.brand{font-weight:600;color:#1a4d8f;margin:0 0 1rem}.claim{color:#444;font-size:.95rem}' +
  '.groups{list-style:none;padding:0}.groups>li{border:1px solid #ccd;border-radius:6px;padding:.6rem .9rem;margin:.7rem 0}' +
  '.groups h2{font-size:1.1rem;margin:0}.groups p{margin:.3rem 0}.sensitive{color:#8a2a00;font-weight:600}' +
  '.changes{color:#5a4500}.tools{color:#333;font-size:.95rem}code{overflow-wrap:anywhere}' +
  '.allow{background:#1a4d8f;color:#fff;border:1px solid #1a4d8f;border-radius:4px}' +
  '.deny{background:#fff;color:#1a4d8f;border:1px solid #1a4d8f;border-radius:4px}' +
  'button:focus-visible,a:focus-visible{outline:3px solid #e8a400;outline-offset:2px}';

/**
 * The page that asks the person whether a client may act for them, in what that access
 * means (lib/grants/access.ts groups the tools asked for; only groups asked for appear),
 * with each tool's title from the registry and reading marked as sensitive like sending.
 * The client's name and where it will receive the answer are its own claims, marked as
 * such; what happens on each button is said in plain words, and revoking links to the
 * account page. Everything the client supplied is HTML-escaped.
 */
export function consentPage(options: {
  requestId: string;
  clientName: string;
  redirectUri: string;
  tools: readonly string[];
  /** Tools the client keeps from this browser's earlier grant (step-up): named, not asked again. */
  kept: readonly string[];
  action: string;
  /** The account page, where this access can be revoked. */
  account: string;
  cookie: string;
}): HttpResponse {
  const redirectHost = escapeHtml(hostOf(options.redirectUri));
  const groups = groupTools(options.tools)
    .map(({ group, tools, alsoReads }) => {
      const titles = tools.map((tool) => escapeHtml(tool.tool.title)).join(', ');
      const reads = alsoReads ? ' To do this it also reads the messages it works on.' : '';
      return `<li><h2>${escapeHtml(group.heading)}</h2>
<p class="${group.sensitive ? 'sensitive' : 'changes'}">${escapeHtml(group.warning)}${reads}</p>
<p class="tools">Tools: ${titles}</p></li>`;
    })
    .join('\n');
  const kept =
    options.kept.length === 0
      ? ''
      : `<p>It keeps what you allowed before: ${options.kept.map((name) => `<strong>${escapeHtml(titleOf(name))}</strong>`).join(', ')}.</p>`;
  const body = `<header><p class="brand">ChatGPT Broker</p></header>
<main><h1>Allow access?</h1>
<p>An application that calls itself <strong>${escapeHtml(options.clientName)}</strong> asks to use your Google
account through this broker.</p>
<p class="claim">That name is the application's own claim: anyone can register an application under any name,
and the broker has not checked it. Allow only if you just asked for this.</p>
<p>If you allow, it will be able to:</p>
<ul class="groups">${groups}</ul>${kept}
<h2>What happens next</h2>
<p><strong>Allow</strong>: Google asks you to sign in and to confirm this access. Then your browser goes back to the
application, at <code>${redirectHost}</code> (the address it gave when it registered).</p>
<p><strong>Deny</strong>: your browser goes back to <code>${redirectHost}</code> with no access given.</p>
<p>You can revoke this access at any time on <a href="${escapeHtml(options.account)}">your account page</a>.</p>
<form method="post" action="${escapeHtml(options.action)}">
<input type="hidden" name="request" value="${escapeHtml(options.requestId)}">
<button class="allow" type="submit" name="decision" value="approve">Allow</button>
<button class="deny" type="submit" name="decision" value="deny">Deny</button>
</form></main>`;
  return new HttpResponse(200, page('Allow access? · ChatGPT Broker', body, STYLE), {
    ...PAGE_HEADERS,
    'Set-Cookie': options.cookie,
  });
}
