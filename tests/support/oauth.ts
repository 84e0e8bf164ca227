import { expect } from 'vitest';
import { apiUrl, emulator, newUser } from './api.ts';
import { Browser, pkce } from './mcp.ts';

/**
 * A hand-driven OAuth client of the broker's authorization server, for tests that need
 * each step in their hands (replays, other clients, step-up) rather than the SDK's.
 */

export const REDIRECT_URI = 'http://127.0.0.1:9/callback';

/** The MCP resource as the broker publishes it (its PUBLIC_URL). */
export const resource = (
  (await (await fetch(`${apiUrl}/.well-known/oauth-protected-resource`)).json()) as { resource: string }
).resource;

/**
 * The authorization endpoint as the broker's metadata names it, as a client finds it: on
 * PUBLIC_URL's host (a request at another host name is first sent there; see consent.test.ts).
 */
export const authorizationEndpoint = (
  (await (await fetch(`${apiUrl}/.well-known/oauth-authorization-server`)).json()) as {
    authorization_endpoint: string;
  }
).authorization_endpoint;

/** An MCP client that registered itself, with the pieces of one authorization. */
export interface SignedIn {
  clientId: string;
  code: string;
  verifier: string;
  email: string;
}

/** Registers a client (RFC 7591) and answers its id. */
export async function register(
  clientName = 'Refusal test client',
  redirectUris = [REDIRECT_URI],
  extra: Record<string, unknown> = {},
): Promise<string> {
  const response = await fetch(`${apiUrl}/oauth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      client_name: clientName,
      redirect_uris: redirectUris,
      token_endpoint_auth_method: 'none',
      ...extra,
    }),
  });
  expect(response.status).toBe(201);
  return ((await response.json()) as { client_id: string }).client_id;
}

export function authorizationUrl(clientId: string, challenge: string, overrides: Record<string, string> = {}): string {
  const params = new URLSearchParams({
    response_type: 'code',
    client_id: clientId,
    redirect_uri: REDIRECT_URI,
    code_challenge: challenge,
    code_challenge_method: 'S256',
    state: 'the-state',
    resource,
    ...overrides,
  });
  return `${authorizationEndpoint}?${params}`;
}

/** Signs `email` in for `clientId` in `browser` (consent and Google), with `scope` when given; returns the code. */
export async function authorizeIn(
  browser: Browser,
  clientId: string,
  email: string,
  overrides: Record<string, string> = {},
): Promise<SignedIn> {
  await emulator.setConsentUser(email);
  const { verifier, challenge } = pkce();
  const back = await browser.signIn(authorizationUrl(clientId, challenge, overrides), REDIRECT_URI);
  expect(back.searchParams.get('state')).toBe('the-state');
  const code = back.searchParams.get('code');
  if (!code) throw new Error(`no code: ${back}`);
  return { clientId, code, verifier, email };
}

/** Registers a client and signs a fresh emulator user in through consent and Google; returns the code. */
export async function signIn(): Promise<SignedIn> {
  const user = await newUser();
  return authorizeIn(new Browser(), await register(), user.email);
}

export async function tokenRequest(form: Record<string, string>) {
  const response = await fetch(`${apiUrl}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
  });
  return { status: response.status, json: (await response.json()) as Record<string, string> };
}

export const redeem = (signedIn: SignedIn, verifier = signedIn.verifier) =>
  tokenRequest({
    grant_type: 'authorization_code',
    code: signedIn.code,
    code_verifier: verifier,
    client_id: signedIn.clientId,
    redirect_uri: REDIRECT_URI,
    resource,
  });

export const refreshWith = (refreshToken: string | undefined, clientId: string) =>
  tokenRequest({ grant_type: 'refresh_token', refresh_token: refreshToken ?? '', client_id: clientId });

/** One JSON-RPC call to /mcp with a bearer token, as any MCP client sends it. */
export async function mcpCall(token: string, method = 'tools/list', params: unknown = {}) {
  const response = await fetch(`${apiUrl}/mcp`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      'mcp-protocol-version': '2025-06-18',
    },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  });
  const text = await response.text();
  return { status: response.status, challenge: response.headers.get('www-authenticate'), text };
}
