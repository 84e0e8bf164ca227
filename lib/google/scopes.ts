/** The Google OAuth scopes the broker's operations need: named in 403s, the OpenAPI document and the README. */
export const SCOPES = {
  send: 'https://www.googleapis.com/auth/gmail.send',
  read: 'https://www.googleapis.com/auth/gmail.readonly',
  email: 'https://www.googleapis.com/auth/userinfo.email',
  profile: 'https://www.googleapis.com/auth/userinfo.profile',
  openid: 'openid',
} as const;
