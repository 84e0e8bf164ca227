import type { Config } from '../config.ts';
import { callTimeout } from '../deadline.ts';
import { BrokerError } from '../errors.ts';
import { postToTokenEndpoint, type TokenEndpointAnswer } from '../google/token-endpoint.ts';

/**
 * The broker as Google's OAuth client: the authorization URL it sends users to, the code
 * exchange at its own callback, and refreshing a stored grant's access token. Plain
 * form posts to Google's token endpoint (`GOOGLE_OAUTH_URL`); nothing here logs a token.
 */

/**
 * Google's refresh token is no longer good (revoked, expired, password changed): the grant is
 * over. Not a BrokerError: it never reaches the error mapping, since its one catcher
 * (lib/oauth/token.ts googleTokenForIssue) ends the grant and answers OAuth's `invalid_grant`.
 */
export class GoogleGrantEnded extends Error {
  constructor() {
    super('Google no longer accepts the stored refresh token.');
    this.name = 'GoogleGrantEnded';
  }
}

export interface GoogleTokens {
  accessToken: string;
  refreshToken: string | undefined;
  expiresIn: number;
  scopes: string[];
}

function clientId(config: Config): string {
  if (!config.GOOGLE_CLIENT_ID) throw new Error('GOOGLE_CLIENT_ID is needed for the MCP sign-in.');
  return config.GOOGLE_CLIENT_ID;
}

/** The broker's Google client id and secret (the secret from SSM, for the functions that name it). */
function clientCredentials(config: Config) {
  if (!config.GOOGLE_CLIENT_ID || !config.GOOGLE_CLIENT_SECRET)
    throw new Error('GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET are needed for the MCP sign-in.');
  return { client_id: config.GOOGLE_CLIENT_ID, client_secret: config.GOOGLE_CLIENT_SECRET };
}

/**
 * Where the user signs in for exactly `scopes`, with PKCE: with offline access (a refresh
 * token) unless `offline` is false, as for the account page's sign-in, which needs none.
 */
export function googleAuthorizationUrl(
  config: Config,
  options: { scopes: string[]; state: string; redirectUri: string; codeChallenge: string; offline?: boolean },
): string {
  const url = new URL(config.GOOGLE_AUTHORIZE_URL);
  url.search = new URLSearchParams({
    client_id: clientId(config),
    redirect_uri: options.redirectUri,
    response_type: 'code',
    scope: options.scopes.join(' '),
    state: options.state,
    // Google hands out a refresh token only with fresh consent.
    ...(options.offline === false ? {} : { access_type: 'offline', prompt: 'consent' }),
    include_granted_scopes: 'false',
    code_challenge: options.codeChallenge,
    code_challenge_method: 'S256',
  }).toString();
  return url.toString();
}

async function tokenRequest(config: Config, form: Record<string, string>): Promise<TokenEndpointAnswer> {
  try {
    return await postToTokenEndpoint(
      config.GOOGLE_OAUTH_URL,
      { ...clientCredentials(config), ...form },
      callTimeout(8_000),
    );
  } catch {
    throw new BrokerError('upstream_error', 'Google could not be reached. Try again.');
  }
}

interface TokenAnswer {
  access_token?: string;
  refresh_token?: string;
  expires_in?: number;
  scope?: string;
  error?: string;
}

/** The answer's JSON object, or an empty one when Google (or a proxy) answered something else. */
function tokenAnswer(response: TokenEndpointAnswer): TokenAnswer {
  return response.data !== null && typeof response.data === 'object' ? (response.data as TokenAnswer) : {};
}

function tokensFrom(answer: TokenAnswer): GoogleTokens {
  if (!answer.access_token) throw new BrokerError('upstream_error', 'Google answered without an access token.');
  return {
    accessToken: answer.access_token,
    refreshToken: answer.refresh_token,
    expiresIn: Number(answer.expires_in ?? 3600),
    scopes: (answer.scope ?? '').split(' ').filter(Boolean),
  };
}

/** Exchanges the code Google sent to our callback. */
export async function exchangeGoogleCode(
  config: Config,
  options: { code: string; redirectUri: string; codeVerifier: string },
): Promise<GoogleTokens> {
  const response = await tokenRequest(config, {
    grant_type: 'authorization_code',
    code: options.code,
    redirect_uri: options.redirectUri,
    code_verifier: options.codeVerifier,
  });
  const answer = tokenAnswer(response);
  if (!response.ok) {
    if (answer.error === 'invalid_grant')
      throw new BrokerError('invalid_request', 'Google refused the sign-in code; start again.');
    throw new BrokerError('upstream_error', `Google answered ${response.status} to the sign-in.`);
  }
  return tokensFrom(answer);
}

/** A fresh Google access token from a stored refresh token; {@link GoogleGrantEnded} when Google says no for good. */
export async function refreshGoogleToken(config: Config, refreshToken: string): Promise<GoogleTokens> {
  const response = await tokenRequest(config, { grant_type: 'refresh_token', refresh_token: refreshToken });
  const answer = tokenAnswer(response);
  if (response.status === 400 && answer.error === 'invalid_grant') throw new GoogleGrantEnded();
  if (!response.ok) throw new BrokerError('upstream_error', `Google answered ${response.status} to a token refresh.`);
  return tokensFrom(answer);
}

/** Tells Google to drop the refresh token (best effort: the grant is ended on our side regardless). */
export async function revokeGoogleToken(config: Config, token: string): Promise<void> {
  await fetch(new URL('revoke', config.GOOGLE_OAUTH_URL), {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token }),
    signal: callTimeout(5_000),
  }).catch(() => undefined);
}
