import { randomBytes } from 'node:crypto';
import {
  type ClientCapabilities,
  Client as ClientV2,
  StreamableHTTPClientTransport as TransportV2,
  UnauthorizedError as UnauthorizedV2,
} from '@modelcontextprotocol/client';
import { type OAuthClientProvider, UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type {
  OAuthClientInformationMixed,
  OAuthClientMetadata,
  OAuthTokens,
} from '@modelcontextprotocol/sdk/shared/auth.js';
import { expect } from 'vitest';
import { Browser } from '../../local/browser.ts';
import { apiUrl, emulator, newUser, rfc822 } from './api.ts';

export { Browser, pkce } from '../../local/browser.ts';

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
  /** Where the last sign-in came back to: the redirect URI with `code`, `state` and `iss`. */
  callback: URL | undefined;
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
    this.callback = back;
    this.code = back.searchParams.get('code') ?? undefined;
  }
}

/** The MCP URL as the broker publishes it (its PUBLIC_URL), which is what a user configures. */
export async function publishedMcpUrl(): Promise<URL> {
  const metadata = await fetch(`${apiUrl}/.well-known/oauth-protected-resource`);
  return new URL(((await metadata.json()) as { resource: string }).resource);
}

/**
 * Connects the v1 SDK client (protocol 2025-11-25) the way an MCP host does: 401, discovery,
 * registration, sign-in, token, connect; through `fetch` when given (to see what it sends).
 */
export async function connectMcp(
  provider: TestOAuthProvider,
  mcpUrl: URL,
  fetch?: typeof globalThis.fetch,
): Promise<Client> {
  const options = { authProvider: provider, ...(fetch ? { fetch } : {}) };
  const first = new StreamableHTTPClientTransport(mcpUrl, options);
  await expect(new Client({ name: 'test', version: '1.0.0' }).connect(first)).rejects.toBeInstanceOf(UnauthorizedError);
  if (!provider.code) throw new Error('the sign-in brought back no code');
  await first.finishAuth(provider.code);
  const client = new Client({ name: 'test', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(mcpUrl, options));
  return client;
}

/** Puts a plain-text mail to `to` in the emulator's mailbox (unread, in the inbox). */
export async function seedMail(to: string, mail: { from: string; subject: string; body: string }): Promise<void> {
  await emulator.seedMessage({
    email: to,
    raw: rfc822([`From: ${mail.from}`, `To: ${to}`, `Subject: ${mail.subject}`, '', mail.body]),
  });
}

/** A new user with one unread mail (Bob's "Lunch?"), whom the emulator's consent signs in. */
export async function userWithMail(name: string) {
  const user = await newUser({ name });
  await emulator.setConsentUser(user.email);
  await seedMail(user.email, { from: 'Bob <bob@example.com>', subject: 'Lunch?', body: 'Noon at the usual place?' });
  return user;
}

/**
 * Connects the v2 SDK client pinned to 2026-07-28 (unpinned, it negotiates 2025-11-25): the
 * same sign-in from a 401, then `server/discover` instead of `initialize`; declaring
 * `capabilities` and sending through `fetch` when given.
 */
export async function connectModern(
  provider: TestOAuthProvider,
  mcpUrl: URL,
  given: { fetch?: typeof globalThis.fetch; capabilities?: ClientCapabilities } = {},
): Promise<ClientV2> {
  const options = { authProvider: provider, ...(given.fetch ? { fetch: given.fetch } : {}) };
  const pinned = () =>
    new ClientV2(
      { name: 'test', version: '2.0.0' },
      { capabilities: given.capabilities ?? {}, versionNegotiation: { mode: { pin: '2026-07-28' } } },
    );
  const first = new TransportV2(mcpUrl, options);
  await expect(pinned().connect(first)).rejects.toBeInstanceOf(UnauthorizedV2);
  if (!provider.callback) throw new Error('the sign-in brought back nothing');
  // The whole callback: the v2 client checks its `iss` (RFC 9207) against the metadata.
  await first.finishAuth(provider.callback.searchParams);
  const client = pinned();
  await client.connect(new TransportV2(mcpUrl, options));
  return client;
}
