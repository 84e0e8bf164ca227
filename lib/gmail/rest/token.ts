import { readData } from './answer.ts';
import { GmailHttpError, transportCode } from './http-error.ts';

/** What a refresh needs: the token endpoint, the broker's OAuth client, the user's refresh token. */
export interface RefreshGrant {
  tokenUrl: string;
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
  let response: Response;
  let data: unknown;
  try {
    response = await fetch(grant.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: grant.refreshToken,
        client_id: grant.clientId,
        client_secret: grant.clientSecret,
      }),
      signal: signal ? AbortSignal.any([signal, attempt]) : attempt,
    });
    data = await readData(response);
  } catch (error) {
    throw new GmailHttpError('POST', what, { code: transportCode(error, signal, attempt) });
  }
  const accessToken = (data as { access_token?: unknown } | undefined)?.access_token;
  if (!response.ok || typeof accessToken !== 'string' || accessToken === '') {
    throw new GmailHttpError('POST', what, {
      response: { status: response.ok ? 502 : response.status, data, headers: response.headers },
    });
  }
  return accessToken;
}
