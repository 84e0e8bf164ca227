/**
 * The Google OAuth scopes the broker's operations need: named in 403s, the OpenAPI document
 * and the generated scopes page (docs/reference/scopes.md). Each operation declares the
 * narrowest ones it needs, so a deployer can offer, say, a send-only GPT (`gmail.send` alone
 * is "sensitive"; the read, compose and modify scopes are "restricted" and need Google's
 * security assessment).
 */
export const SCOPES = {
  send: 'https://www.googleapis.com/auth/gmail.send',
  read: 'https://www.googleapis.com/auth/gmail.readonly',
  /** Drafts: create, list, send and delete them (no reading other mail). */
  compose: 'https://www.googleapis.com/auth/gmail.compose',
  /** Labels on messages and threads: read state, archive, stars, user labels. */
  modify: 'https://www.googleapis.com/auth/gmail.modify',
  email: 'https://www.googleapis.com/auth/userinfo.email',
  profile: 'https://www.googleapis.com/auth/userinfo.profile',
  openid: 'openid',
} as const;

/**
 * What Google asks of an app that requests a scope: nothing (`non-sensitive`), verification
 * with a privacy policy, justification and demo video (`sensitive`), or that plus a yearly
 * third-party security assessment (`restricted`).
 */
export type ScopeClass = 'non-sensitive' | 'sensitive' | 'restricted';

/**
 * Google's class of each scope, as its Gmail scope list gives it
 * (https://developers.google.com/workspace/gmail/api/auth/scopes) and, for the sign-in
 * scopes, its OAuth consent screen's non-sensitive list.
 */
export const SCOPE_CLASS: { readonly [K in keyof typeof SCOPES]: ScopeClass } = {
  send: 'sensitive',
  read: 'restricted',
  compose: 'restricted',
  modify: 'restricted',
  email: 'non-sensitive',
  profile: 'non-sensitive',
  openid: 'non-sensitive',
};

const RANK: readonly ScopeClass[] = ['non-sensitive', 'sensitive', 'restricted'];

/** Google's class of a scope URL; a set of scopes is as strict as its strictest member. */
export function scopeClass(scopes: readonly string[]): ScopeClass {
  const classes = Object.entries(SCOPES)
    .filter(([, url]) => scopes.includes(url))
    .map(([name]) => RANK.indexOf(SCOPE_CLASS[name as keyof typeof SCOPES]));
  return RANK[Math.max(0, ...classes)] as ScopeClass;
}
