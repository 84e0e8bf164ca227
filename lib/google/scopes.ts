/**
 * The Google OAuth scopes the broker's operations need: named in 403s, the OpenAPI document
 * and the README's table of tiers. Each operation declares the narrowest ones it needs, so a
 * deployer can offer, say, a send-only GPT (`gmail.send` alone is "sensitive"; the read,
 * compose and modify scopes are "restricted" and need Google's security assessment).
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
