import { groupTools } from '../grants/access.ts';
import type { Computer } from '../jobs/pairing.ts';
import type { GrantRecord } from '../oauth/records.ts';
import { endpoints } from '../operations.ts';
import { escapeHtml, page } from '../web/page.ts';

/** The account page's paths. */
export interface AccountPaths {
  home: string;
  signIn: string;
  /** Google's redirect back after sign-in. */
  callback: string;
  unpair: string;
  signOut: string;
  makeDefault: string;
  /** Ends an MCP grant (here and at Google). */
  revoke: string;
  /** Pairs a computer by the code its agent printed. */
  pair: string;
}

const routePath = (index: number): string => {
  const found = endpoints.account.routes[index];
  if (!found) throw new Error(`the registry's account endpoint has no route ${index}`);
  return found.path;
};

/** The paths, from the registry's account endpoint, whose routes are listed in this order. */
export const ACCOUNT_PATHS: AccountPaths = {
  home: routePath(0),
  signIn: routePath(1),
  callback: routePath(2),
  unpair: routePath(3),
  signOut: routePath(4),
  makeDefault: routePath(5),
  revoke: routePath(6),
  pair: routePath(7),
};

const STYLE =
  'table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.4rem;border-top:1px solid #ddd}' +
  'form{display:inline}td form button{margin:.2rem 0;padding:.4rem .8rem}.note{color:#555}' +
  '.grants{list-style:none;padding:0}.grants>li{border-top:1px solid #ddd;padding:.5rem 0}.grants h3{margin:0;font-size:1.05rem}' +
  '.grants p{margin:.25rem 0}.claim{color:#555;font-size:.9rem}label{display:block;margin:.3rem 0}' +
  'input[type=text]{font:inherit;padding:.4rem;max-width:100%}';

/** The page for a browser with no session: what the page is, and a way to sign in. */
export function renderSignedOut(paths: AccountPaths): string {
  return page(
    'Your account · ChatGPT Broker',
    `<main><h1>Your account</h1>
<p>See the computers paired with your Google account and the applications you allowed to use it, and end either.</p>
<p><a href="${escapeHtml(paths.signIn)}">Sign in with Google</a></p>
<p class="note">Signing in here asks Google only who you are, never for your mail.</p></main>`,
    STYLE,
  );
}

/** A one-button form acting on one computer; `label` names the computer for screen readers. */
const computerForm = (action: string, csrf: string, computer: Computer, text: string, label: string) =>
  `<form method="post" action="${escapeHtml(action)}">${csrf}<input type="hidden" name="computer" value="${escapeHtml(computer.agent_id)}"><button type="submit" aria-label="${escapeHtml(label)}">${escapeHtml(text)}</button></form>`;

const when = (ms: number) => new Date(ms).toISOString().replace('T', ' ').slice(0, 16);

/** The signed-in page: who, the paired computers with an unpair form each (every form carries the CSRF token). */
export function renderAccount(options: {
  paths: AccountPaths;
  email: string | undefined;
  csrf: string;
  computers: Computer[];
  grants: GrantRecord[];
  notice?: string;
}): string {
  const csrf = `<input type="hidden" name="csrf" value="${escapeHtml(options.csrf)}">`;
  const rows = options.computers
    .map(
      (
        computer,
      ) => `<tr><td>${escapeHtml(computer.name)}${computer.is_default ? ' <strong>(default)</strong>' : ''}</td>
<td>${escapeHtml(when(computer.last_seen))} UTC</td>
<td>${computerForm(options.paths.unpair, csrf, computer, 'Unpair', `Unpair ${computer.name}`)}${
        computer.is_default
          ? ''
          : ` ${computerForm(options.paths.makeDefault, csrf, computer, 'Make default', `Make default: ${computer.name}`)}`
      }</td></tr>`,
    )
    .join('\n');
  const computers = options.computers.length
    ? `<table><thead><tr><th scope="col">Name</th><th scope="col">Last seen</th><th scope="col">Action</th></tr></thead><tbody>${rows}</tbody></table>`
    : '<p>No computer is paired.</p>';
  const pairForm = `<form method="post" action="${escapeHtml(options.paths.pair)}">${csrf}
<label for="pairing-code">Pair a computer: type the code its agent printed</label>
<input type="text" id="pairing-code" name="code" autocomplete="off" autocapitalize="characters" spellcheck="false" required>
<button type="submit">Pair</button></form>`;
  return page(
    'Your account · ChatGPT Broker',
    `<main><h1>Your account</h1>
<p>Signed in as ${escapeHtml(options.email ?? 'a Google account')}.</p>
${options.notice ? `<p role="alert">${escapeHtml(options.notice)}</p>` : ''}
<h2>Paired computers</h2>
${computers}
${pairForm}
<h2>Applications with access</h2>
${renderGrants(options.paths, csrf, options.grants)}
<form method="post" action="${escapeHtml(options.paths.signOut)}">${csrf}<p><button type="submit">Sign out</button></p></form></main>`,
    STYLE,
  );
}

/**
 * The person's MCP grants: the client's name as it named itself (marked as its claim), what
 * it may do in the consent page's groups with each tool's registry title, since when, when
 * it last obtained access, and a revoke form each.
 */
function renderGrants(paths: AccountPaths, csrf: string, grants: GrantRecord[]): string {
  if (grants.length === 0) return '<p>No application has access.</p>';
  const items = grants.map((grant) => {
    const access = groupTools(grant.tools)
      .map(
        ({ group, tools }) =>
          `${escapeHtml(group.heading)} (${tools.map((tool) => escapeHtml(tool.tool.title)).join(', ')})`,
      )
      .join('; ');
    const refreshed = grant.refreshedAt === undefined ? 'not yet' : `${escapeHtml(when(grant.refreshedAt))} UTC`;
    return `<li><h3>${escapeHtml(grant.clientName)}</h3>
<p class="claim">The name the application gave itself, not checked.</p>
<p>Can: ${access}</p>
<p>Allowed ${escapeHtml(when(grant.createdAt))} UTC · last refreshed ${refreshed}</p>
<form method="post" action="${escapeHtml(paths.revoke)}">${csrf}<input type="hidden" name="grant" value="${escapeHtml(grant.grantId)}"><button type="submit" aria-label="${escapeHtml(`Revoke ${grant.clientName}`)}">Revoke</button></form></li>`;
  });
  return `<ul class="grants">${items.join('\n')}</ul>`;
}
