import type { Computer } from '../jobs/pairing.ts';
import { escapeHtml, page } from '../oauth/pages.ts';

/** The account page's paths, from the registry's account endpoint. */
export interface AccountPaths {
  home: string;
  signIn: string;
  unpair: string;
  signOut: string;
}

const STYLE =
  'table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.4rem;border-top:1px solid #ddd}' +
  'form{display:inline}td form button{margin:0}.note{color:#555}';

/** The page for a browser with no session: what the page is, and a way to sign in. */
export function renderSignedOut(paths: AccountPaths): string {
  return page(
    'Your account · ChatGPT Broker',
    `<main><h1>Your account</h1>
<p>See the computers paired with your Google account, and unpair them.</p>
<p><a href="${escapeHtml(paths.signIn)}">Sign in with Google</a></p>
<p class="note">Signing in here asks Google only who you are, never for your mail.</p></main>`,
    STYLE,
  );
}

const when = (ms: number) => new Date(ms).toISOString().replace('T', ' ').slice(0, 16);

/** The signed-in page: who, the paired computers with an unpair form each (every form carries the CSRF token). */
export function renderAccount(options: {
  paths: AccountPaths;
  email: string | undefined;
  csrf: string;
  computers: Computer[];
  notice?: string;
}): string {
  const csrf = `<input type="hidden" name="csrf" value="${escapeHtml(options.csrf)}">`;
  const rows = options.computers
    .map(
      (
        computer,
      ) => `<tr><td>${escapeHtml(computer.name)}${computer.is_default ? ' <strong>(default)</strong>' : ''}</td>
<td>${escapeHtml(when(computer.last_seen))} UTC</td>
<td><form method="post" action="${escapeHtml(options.paths.unpair)}">${csrf}<input type="hidden" name="computer" value="${escapeHtml(computer.agent_id)}"><button type="submit" aria-label="Unpair ${escapeHtml(computer.name)}">Unpair</button></form></td></tr>`,
    )
    .join('\n');
  const computers = options.computers.length
    ? `<table><thead><tr><th scope="col">Name</th><th scope="col">Last seen</th><th scope="col">Action</th></tr></thead><tbody>${rows}</tbody></table>`
    : '<p>No computer is paired.</p>';
  return page(
    'Your account · ChatGPT Broker',
    `<main><h1>Your account</h1>
<p>Signed in as ${escapeHtml(options.email ?? 'a Google account')}.</p>
${options.notice ? `<p role="status">${escapeHtml(options.notice)}</p>` : ''}
<h2>Paired computers</h2>
${computers}
<form method="post" action="${escapeHtml(options.paths.signOut)}">${csrf}<p><button type="submit">Sign out</button></p></form></main>`,
    STYLE,
  );
}
