import { postToTokenEndpoint, type TokenEndpointAnswer } from '../../google/token-endpoint.ts';
import { GmailHttpError, transportCode } from './http-error.ts';

/** What a refresh needs: the token endpoint, the broker's OAuth client, the user's refresh token. */
export interface RefreshGrant {
  /** `GOOGLE_OAUTH_URL`: the token endpoint is `token` under it. */
  oauthRoot: string;
  clientId: string;
  clientSecret: string;
  refreshToken: string;
}

/**
 * Trades a refresh token for a new access token: the OAuth 2.0 refresh grant as Google
 * documents it (https://developers.google.com/identity/protocols/oauth2/web-server#offline,
 * POST form `grant_type=refresh_token`, `refresh_token`, `client_id`, `client_secret`).
 * A refusal is thrown as a {@link GmailHttpError} holding Google's `{error, error_description}`
 * (e.g. `invalid_grant`) and nothing of the request.
 */
export async function refreshAccessToken(
  grant: RefreshGrant,
  timeoutMs: number,
  signal: AbortSignal | undefined,
): Promise<string> {
  const what = 'POST token';
  const attempt = AbortSignal.timeout(timeoutMs);
  let answer: TokenEndpointAnswer;
  try {
    answer = await postToTokenEndpoint(
      grant.oauthRoot,
      {
        grant_type: 'refresh_token',
        refresh_token: grant.refreshToken,
        client_id: grant.clientId,
        client_secret: grant.clientSecret,
      },
      signal ? AbortSignal.any([signal, attempt]) : attempt,
    );
  } catch (error) {
    throw new GmailHttpError('POST', what, { code: transportCode(error, signal, attempt) });
  }
  const accessToken = (answer.data as { access_token?: unknown } | undefined)?.access_token;
  if (!answer.ok || typeof accessToken !== 'string' || accessToken === '') {
    throw new GmailHttpError('POST', what, {
      response: { status: answer.ok ? 502 : answer.status, data: answer.data, headers: answer.headers },
    });
  }
  return accessToken;
}
