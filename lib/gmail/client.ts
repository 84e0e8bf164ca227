import type { Config } from '../config.ts';
import type { GoogleCredentials } from '../google/credentials.ts';
import { type GmailClient, gmailClient } from './rest/api.ts';

export type { GmailClient } from './rest/api.ts';

/**
 * A Gmail API client acting as the signed-in user, pointed at `config.GMAIL_API_URL`
 * (Google, or the local emulator) with the token endpoint under `config.GOOGLE_OAUTH_URL`.
 * It speaks Gmail's REST API over global fetch (`rest/`): googleapis' client stack cost
 * each mail function ~350 KiB and ~55 ms of import.
 *
 * A rejected token is refreshed once and the call retried only when we can refresh: a
 * refresh token came with the request AND the broker has client credentials. Otherwise
 * Google's 401 surfaces and ChatGPT refreshes on its side.
 *
 * Reads follow the retry policy of `retry.ts`; POSTs are never retried.
 */
export function createGmailClient(credentials: GoogleCredentials, config: Config): GmailClient {
  // As `canRefreshTokens`, spelled out so that the types narrow.
  const { GOOGLE_CLIENT_ID: clientId, GOOGLE_CLIENT_SECRET: clientSecret } = config;
  const { refreshToken } = credentials;
  return gmailClient({
    rootUrl: config.GMAIL_API_URL.endsWith('/') ? config.GMAIL_API_URL : `${config.GMAIL_API_URL}/`,
    accessToken: credentials.accessToken,
    refresh:
      refreshToken === undefined || clientId === undefined || clientSecret === undefined
        ? undefined
        : { oauthRoot: config.GOOGLE_OAUTH_URL, clientId, clientSecret, refreshToken },
  });
}
