import { createHash, randomBytes } from 'node:crypto';
import { type OAuthClientProvider, UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type {
  OAuthClientInformationMixed,
  OAuthClientMetadata,
  OAuthTokens,
} from '@modelcontextprotocol/sdk/shared/auth.js';
import { expect } from 'vitest';
import { apiUrl } from './api.ts';

/**
 * A browser stand-in for the OAuth tests: follows redirects by hand, keeps cookies, and
 * answers the broker's consent page the way a user clicking "Allow" would.
 */
export class Browser {
  private readonly cookies = new Map<string, string>();
  /** Every URL visited, in order (the test checks where the flow went). */
  readonly visited: string[] = [];

  async request(url: string, init: RequestInit = {}): Promise<Response> {
    this.visited.push(url);
    const headers = new Headers(init.headers);
    if (this.cookies.size > 0)
      headers.set('cookie', [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; '));
    const response = await fetch(url, { ...init, headers, redirect: 'manual' });
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const at = pair.indexOf('=');
      if (at > 0) this.cookies.set(pair.slice(0, at).trim(), pair.slice(at + 1).trim());
    }
    return response;
  }

  /** Follows 3xx answers until one leaves for `stopAt` (not fetched) or answers something else. */
  async follow(response: Response, stopAt: string): Promise<{ response: Response; location?: string }> {
    let current = response;
    for (let hops = 0; hops < 10; hops++) {
      const location = current.headers.get('location');
      if (current.status < 300 || current.status >= 400 || !location) return { response: current };
      const next = new URL(location, current.url || apiUrl).toString();
      if (next.startsWith(stopAt)) return { response: current, location: next };
      current = await this.request(next);
    }
    throw new Error('too many redirects');
  }

  /** Reads the consent page's form (its action and hidden request id). */
  static consentForm(html: string): { action: string; request: string } {
    const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1];
    const request = /name="request" value="([^"]+)"/.exec(html)?.[1];
    if (!action || !request) throw new Error(`no consent form in: ${html.slice(0, 300)}`);
    return { action: action.replaceAll('&#38;', '&'), request };
  }

  /** Submits the consent form with `decision` (and any extra fields an attacker might add). */
  async answerConsent(html: string, decision: 'approve' | 'deny', extra: Record<string, string> = {}) {
    const form = Browser.consentForm(html);
    return this.request(form.action, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ request: form.request, decision, ...extra }).toString(),
    });
  }

  /**
   * The whole interactive part: open the authorization URL, allow on the consent page,
   * pass Google's (the emulator's) consent, and return where the broker finally sent the
   * browser: the client's redirect URI with `code` (or `error`).
   */
  async signIn(authorizationUrl: string, redirectUri: string): Promise<URL> {
    const consent = await this.request(authorizationUrl);
    if (consent.status !== 200) throw new Error(`consent page answered ${consent.status}: ${await consent.text()}`);
    const approved = await this.answerConsent(await consent.text(), 'approve');
    const { location, response } = await this.follow(approved, redirectUri);
    if (!location) throw new Error(`sign-in ended at ${response.status}: ${await response.text()}`);
    return new URL(location);
  }
}

/**
 * The MCP SDK client's OAuth provider for tests: registers itself (or names a client
 * metadata document), and "redirects the user" by running {@link Browser.signIn}, keeping
 * the code for `transport.finishAuth`.
 */
export class TestOAuthProvider implements OAuthClientProvider {
  readonly browser = new Browser();
  readonly redirectUrl: string;
  information: OAuthClientInformationMixed | undefined;
  saved: OAuthTokens | undefined;
  verifier = '';
  /** The code the last sign-in brought back. */
  code: string | undefined;
  /** Every authorization URL the client was sent to. */
  readonly authorizations: URL[] = [];

  constructor(
    readonly clientName = `MCP test client ${randomBytes(3).toString('hex')}`,
    options: { redirectUrl?: string; clientMetadataUrl?: string } = {},
  ) {
    this.redirectUrl = options.redirectUrl ?? 'http://127.0.0.1:9/callback';
    if (options.clientMetadataUrl) this.clientMetadataUrl = options.clientMetadataUrl;
  }

  clientMetadataUrl?: string;

  get clientMetadata(): OAuthClientMetadata {
    return {
      client_name: this.clientName,
      redirect_uris: [this.redirectUrl],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
    };
  }

  clientInformation() {
    return this.information;
  }
  saveClientInformation(information: OAuthClientInformationMixed) {
    this.information = information;
  }
  tokens() {
    return this.saved;
  }
  saveTokens(tokens: OAuthTokens) {
    this.saved = tokens;
  }
  saveCodeVerifier(verifier: string) {
    this.verifier = verifier;
  }
  codeVerifier() {
    return this.verifier;
  }
  async redirectToAuthorization(url: URL) {
    this.authorizations.push(url);
    const back = await this.browser.signIn(url.toString(), this.redirectUrl);
    this.code = back.searchParams.get('code') ?? undefined;
  }
}

/** PKCE pair for hand-made authorization requests. */
export function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** The MCP URL as the broker publishes it (its PUBLIC_URL), which is what a user configures. */
export async function publishedMcpUrl(): Promise<URL> {
  const metadata = await fetch(`${apiUrl}/.well-known/oauth-protected-resource`);
  return new URL(((await metadata.json()) as { resource: string }).resource);
}

/** Connects the SDK client the way an MCP host does: 401, discovery, registration, sign-in, token, connect. */
export async function connectMcp(provider: TestOAuthProvider, mcpUrl: URL): Promise<Client> {
  const first = new StreamableHTTPClientTransport(mcpUrl, { authProvider: provider });
  await expect(new Client({ name: 'test', version: '1.0.0' }).connect(first)).rejects.toBeInstanceOf(UnauthorizedError);
  if (!provider.code) throw new Error('the sign-in brought back no code');
  await first.finishAuth(provider.code);
  const client = new Client({ name: 'test', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(mcpUrl, { authProvider: provider }));
  return client;
}
