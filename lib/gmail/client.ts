import { gmail, type gmail_v1 } from '@googleapis/gmail';
import { OAuth2Client } from 'google-auth-library';
import { type Config, canRefreshTokens } from '../config.ts';
import type { GoogleCredentials } from '../google/credentials.ts';
import { gmailRetryConfig, RETRY_POLICY, stampFirstAttempt } from './retry.ts';

/**
 * A Gmail API client acting as the signed-in user, pointed at `config.GMAIL_API_URL`
 * (Google, or the local emulator) with the token endpoints under `config.GOOGLE_OAUTH_URL`.
 *
 * A rejected token is refreshed once and the call retried only when we can refresh: a
 * refresh token came with the request AND the broker has client credentials. Otherwise the
 * refresh token is not even handed to the auth client (it would try, and fail with a
 * confusing client error), so Google's 401 surfaces and ChatGPT refreshes on its side.
 *
 * Reads follow the retry policy of `retry.ts`; POSTs are never retried.
 */
export function createGmailClient(credentials: GoogleCredentials, config: Config): gmail_v1.Gmail {
  const refreshToken = canRefreshTokens(config) ? credentials.refreshToken : undefined;
  const refreshable = refreshToken !== undefined;
  const auth = new OAuth2Client({
    ...(config.GOOGLE_CLIENT_ID === undefined ? {} : { clientId: config.GOOGLE_CLIENT_ID }),
    ...(config.GOOGLE_CLIENT_SECRET === undefined ? {} : { clientSecret: config.GOOGLE_CLIENT_SECRET }),
    endpoints: {
      oauth2TokenUrl: `${config.GOOGLE_OAUTH_URL}token`,
      tokenInfoUrl: `${config.GOOGLE_OAUTH_URL}tokeninfo`,
    },
    forceRefreshOnFailure: refreshable,
    // Bounds the token refresh call too (the Gmail calls set their own timeout below).
    transporterOptions: { timeout: RETRY_POLICY.attemptTimeoutMs },
  });
  auth.setCredentials({
    access_token: credentials.accessToken,
    ...(refreshToken === undefined ? {} : { refresh_token: refreshToken }),
  });
  return gmail({
    version: 'v1',
    auth,
    rootUrl: config.GMAIL_API_URL,
    timeout: RETRY_POLICY.attemptTimeoutMs,
    retry: true,
    retryConfig: gmailRetryConfig(),
    adapter: stampFirstAttempt,
  });
}

/**
 * The root URL a client was made with. A media upload must be given it again on the call
 * itself, or `@googleapis/gmail` sends it to Google's own upload host.
 */
export function gmailRootUrl(client: gmail_v1.Gmail): string | undefined {
  return client.context._options.rootUrl;
}
