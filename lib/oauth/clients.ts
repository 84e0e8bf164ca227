import { isIP } from 'node:net';
import * as z from 'zod';
import type { Config } from '../config.ts';
import type { Store } from '../jobs/table.ts';
import { OAuthError } from './errors.ts';
import { type ClientRecord, clients, hashSecret, randomSecret } from './records.ts';

/** A client as the authorization endpoint needs it, however it introduced itself. */
export interface KnownClient {
  clientId: string;
  clientName: string;
  redirectUris: string[];
  authMethod: string;
  secretHash?: string;
  /** The grant types it registered; absent on records from before they were kept (both were allowed). */
  grantTypes?: string[];
}

/** Registered clients are forgotten after this long (they register again). */
export const CLIENT_LIFETIME_MS = 180 * 24 * 3_600_000;
/** A client metadata document larger than this, or slower than this, is refused. */
export const METADATA_MAX_BYTES = 5_120;
export const METADATA_TIMEOUT_MS = 3_000;

const AUTH_METHODS = ['none', 'client_secret_post', 'client_secret_basic'] as const;
const DANGEROUS_SCHEMES = new Set(['javascript:', 'data:', 'file:', 'vbscript:', 'blob:', 'about:']);

function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '');
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/**
 * Whether a redirect URI may be registered: https; http on a loopback host (RFC 8252
 * native apps, e.g. Claude Code's local callback); or a native app's private scheme.
 * Never a fragment, never a scheme that runs or reads something in the browser.
 */
export function acceptableRedirectUri(value: string): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  if (url.hash !== '' || value.includes('#')) return false;
  if (url.protocol === 'https:') return true;
  if (url.protocol === 'http:') return isLoopback(url.hostname);
  return !DANGEROUS_SCHEMES.has(url.protocol) && /^[a-z][a-z0-9+.-]*:$/.test(url.protocol);
}

const ClientName = z
  .string()
  .trim()
  .min(1)
  .max(100)
  .refine((name) => !/[\p{Cc}]/u.test(name), 'must not contain control characters');

/** What RFC 7591 registration and client metadata documents may say (the parts we use). */
const ClientMetadata = z.object({
  redirect_uris: z
    .array(
      z.string().max(2_000).refine(acceptableRedirectUri, 'must be https, http on a loopback host, or an app scheme'),
    )
    .min(1)
    .max(10),
  client_name: ClientName.optional(),
  token_endpoint_auth_method: z.enum(AUTH_METHODS).optional(),
  grant_types: z.array(z.string()).optional(),
  response_types: z.array(z.string()).optional(),
  client_uri: z.string().optional(),
});

function invalidMetadata(error: z.ZodError): OAuthError {
  const problems = error.issues.map((issue) => `${issue.path.join('.') || 'metadata'}: ${issue.message}`);
  return new OAuthError('invalid_client_metadata', problems.join('; ').slice(0, 500));
}

/** Registers a client (RFC 7591); a confidential one gets a secret, shown once and stored hashed. */
export async function registerClient(store: Store, body: unknown, now = Date.now()) {
  const parsed = ClientMetadata.safeParse(body);
  if (!parsed.success) throw invalidMetadata(parsed.error);
  const metadata = parsed.data;
  const grantTypes = metadata.grant_types ?? ['authorization_code', 'refresh_token'];
  if (
    !grantTypes.includes('authorization_code') ||
    grantTypes.some((g) => !['authorization_code', 'refresh_token'].includes(g))
  )
    throw new OAuthError('invalid_client_metadata', 'grant_types may only be authorization_code and refresh_token.');
  if (metadata.response_types?.some((type) => type !== 'code'))
    throw new OAuthError('invalid_client_metadata', 'response_types may only be code.');
  const authMethod = metadata.token_endpoint_auth_method ?? 'none';
  const clientId = randomSecret('mcp-client-').slice(0, 40);
  const secret = authMethod === 'none' ? undefined : randomSecret('mcp-secret-');
  const record: ClientRecord = {
    clientId,
    clientName: metadata.client_name ?? 'An unnamed application',
    redirectUris: metadata.redirect_uris,
    authMethod,
    grantTypes,
    ...(secret ? { secretHash: hashSecret(secret) } : {}),
    createdAt: now,
    expiresAt: now + CLIENT_LIFETIME_MS,
  };
  await clients.put(store, record);
  return {
    client_id: clientId,
    client_id_issued_at: Math.floor(now / 1000),
    ...(secret ? { client_secret: secret, client_secret_expires_at: Math.floor(record.expiresAt / 1000) } : {}),
    client_name: record.clientName,
    redirect_uris: record.redirectUris,
    token_endpoint_auth_method: authMethod,
    grant_types: grantTypes,
    response_types: ['code'],
  };
}

/** True when `clientId` names a client ID metadata document (an https URL with a path). */
export function isMetadataDocumentUrl(clientId: string, config: Config): boolean {
  let url: URL;
  try {
    url = new URL(clientId);
  } catch {
    return false;
  }
  if (url.hash !== '' || url.username !== '' || url.password !== '') return false;
  if (url.protocol === 'https:') return url.pathname.length > 1;
  return config.OAUTH_ALLOW_LOOPBACK_HTTP && url.protocol === 'http:' && url.hostname === '127.0.0.1';
}

function privateAddress(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '');
  if (isIP(host) === 0) return host === 'localhost' || host.endsWith('.localhost') || host.endsWith('.internal');
  return (
    /^(10|127|0)\./.test(host) ||
    /^192\.168\./.test(host) ||
    /^172\.(1[6-9]|2\d|3[01])\./.test(host) ||
    /^169\.254\./.test(host) ||
    /^(::1?|f[cd]|fe80)/i.test(host)
  );
}

/** Reads a body up to `limit` bytes; more is an error, not a truncation. */
async function readCapped(response: Response, limit: number): Promise<string> {
  const reader = response.body?.getReader();
  if (!reader) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      throw new OAuthError('invalid_client', 'The client metadata document is too large.');
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Fetches a client ID metadata document: no redirects, a time and size cap, no private
 * addresses (except 127.0.0.1 over http where config allows it, for tests); the document
 * must name itself as `client_id`. Such a client is public (PKCE, no secret).
 */
export async function fetchMetadataDocument(clientId: string, config: Config): Promise<KnownClient> {
  const url = new URL(clientId);
  const loopbackAllowed = config.OAUTH_ALLOW_LOOPBACK_HTTP && url.hostname === '127.0.0.1';
  if (!loopbackAllowed && privateAddress(url.hostname))
    throw new OAuthError('invalid_client', 'The client metadata document must be on a public host.');
  let response: Response;
  try {
    response = await fetch(url, {
      redirect: 'error',
      headers: { Accept: 'application/json' },
      signal: AbortSignal.timeout(METADATA_TIMEOUT_MS),
    });
  } catch {
    throw new OAuthError('invalid_client', 'The client metadata document could not be fetched.');
  }
  if (!response.ok) throw new OAuthError('invalid_client', `The client metadata document answered ${response.status}.`);
  let document: unknown;
  try {
    document = JSON.parse(await readCapped(response, METADATA_MAX_BYTES));
  } catch (error) {
    if (error instanceof OAuthError) throw error;
    throw new OAuthError('invalid_client', 'The client metadata document is not JSON.');
  }
  const parsed = ClientMetadata.extend({ client_id: z.string() }).safeParse(document);
  if (!parsed.success) throw invalidMetadata(parsed.error);
  if (parsed.data.client_id !== clientId)
    throw new OAuthError('invalid_client', 'The client metadata document names another client_id.');
  const method = parsed.data.token_endpoint_auth_method ?? 'none';
  if (method !== 'none') throw new OAuthError('invalid_client', 'A client metadata document client must be public.');
  return {
    clientId,
    clientName: parsed.data.client_name ?? url.hostname,
    redirectUris: parsed.data.redirect_uris,
    authMethod: 'none',
    grantTypes: parsed.data.grant_types ?? ['authorization_code'],
  };
}

/** The client behind `clientId`: a registered one, or one named by its metadata document. */
export async function findClient(store: Store, config: Config, clientId: string): Promise<KnownClient | undefined> {
  if (isMetadataDocumentUrl(clientId, config)) return fetchMetadataDocument(clientId, config);
  if (clientId.length > 100) return undefined;
  return clients.get(store, clientId);
}
