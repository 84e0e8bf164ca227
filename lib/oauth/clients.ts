import { isIP } from 'node:net';
import { isPlainVisibleText } from '../agent-wire/visible-text.ts';
import type { Config } from '../config.ts';
import { countAttempt } from '../jobs/attempts.ts';
import { keys, type Store, ttlSeconds, updateIf } from '../store/table.ts';
import * as z from '../zod.ts';
import { OAuthError } from './errors.ts';
import { clientFromDocument } from './metadata-document.ts';
import { type ClientRecord, clients, hashSecret, randomSecret } from './records.ts';
import {
  APPLICATION_TYPES,
  type ApplicationType,
  impliedApplicationType,
  redirectUriProblem,
} from './redirect-uris.ts';

/** A client as the authorization endpoint needs it, however it introduced itself. */
export interface KnownClient {
  clientId: string;
  clientName: string;
  redirectUris: string[];
  /** How its redirect URIs are judged (redirect-uris.ts); registrations older than the field count as native. */
  applicationType: ApplicationType;
  authMethod: string;
  secretHash?: string;
  /** The grant types it registered; absent on records from before they were kept (both were allowed). */
  grantTypes?: string[];
}

/** A registered client that is used is forgotten this long after it registered (it registers again). */
export const CLIENT_LIFETIME_MS = 180 * 24 * 3_600_000;
/** A registered client that no user ever signed in through is forgotten after this. */
export const UNUSED_CLIENT_LIFETIME_MS = 24 * 3_600_000;

const AUTH_METHODS = ['none', 'client_secret_post', 'client_secret_basic'] as const;

/** A client's name as the consent page shows it: plain visible text, as computer names are. */
const ClientName = z
  .string()
  .check(
    z.trim(),
    z.minLength(1),
    z.maxLength(100),
    z.refine(isPlainVisibleText, 'must not contain control, bidi, zero-width or line-break characters'),
  );

/** What RFC 7591 registration and client metadata documents may say (the parts we use). */
function clientMetadata(config: Config) {
  const metadata = z.object({
    redirect_uris: z.array(z.string().check(z.maxLength(2_000))).check(z.minLength(1), z.maxLength(10)),
    client_name: z.optional(ClientName),
    application_type: z.optional(z.enum(APPLICATION_TYPES)),
    token_endpoint_auth_method: z.optional(z.enum(AUTH_METHODS)),
    grant_types: z.optional(z.array(z.string())),
    response_types: z.optional(z.array(z.string())),
    client_uri: z.optional(z.string()),
  });
  return z
    .pipe(
      metadata,
      z.transform((given: z.output<typeof metadata>) => ({
        ...given,
        application_type: given.application_type ?? impliedApplicationType(given.redirect_uris),
      })),
    )
    .check(
      z.superRefine((given, context) => {
        given.redirect_uris.forEach((uri, index) => {
          const problem = redirectUriProblem(uri, given.application_type, config.OAUTH_ALLOW_LOOPBACK_HTTP);
          if (problem) context.addIssue({ code: 'custom', path: ['redirect_uris', index], message: problem });
        });
      }),
    );
}

function invalidMetadata(error: z.core.$ZodError): OAuthError {
  // RFC 7591 §3.2.2 has its own code for a refused redirect URI.
  const code = error.issues.some((issue) => issue.path[0] === 'redirect_uris' && issue.path.length > 1)
    ? 'invalid_redirect_uri'
    : 'invalid_client_metadata';
  const problems = error.issues.map((issue) => `${issue.path.join('.') || 'metadata'}: ${issue.message}`);
  return new OAuthError(code, problems.join('; ').slice(0, 500));
}

/**
 * The network a request came from, as registrations are counted: an IPv4 address as it is,
 * an IPv6 address as its /64 (one subscriber typically holds a whole /64 and can pick any
 * address in it), an IPv4-mapped IPv6 address as its IPv4 address.
 */
export function sourceNetwork(source: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(source)?.[1];
  if (mapped) return mapped;
  if (isIP(source) !== 6 || source.includes('.')) return source;
  const [head = '', tail] = source.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const groups =
    tail === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  return `${groups
    .slice(0, 4)
    .map((group) => Number.parseInt(group, 16).toString(16))
    .join(':')}::/64`;
}

/** Registrations one source network may make per hour; the rest get 429. */
function registrationLimit(config: Config, source: string) {
  return {
    scope: `oauth-registrations#${sourceNetwork(source)}`,
    limit: config.OAUTH_REGISTRATIONS_PER_HOUR,
    windowMs: 3_600_000,
  };
}

/**
 * Registers a client (RFC 7591); a confidential one gets a secret, shown once and stored
 * hashed. Counted per source address first; the client lasts a day unless a user signs in
 * through it ({@link markClientUsed}).
 */
export async function registerClient(store: Store, config: Config, body: unknown, source: string, now = Date.now()) {
  await countAttempt(
    store,
    registrationLimit(config, source),
    now,
    'Too many client registrations from this network; try again later.',
  );
  const parsed = clientMetadata(config).safeParse(body);
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
    applicationType: metadata.application_type,
    authMethod,
    grantTypes,
    ...(secret ? { secretHash: hashSecret(secret) } : {}),
    createdAt: now,
    expiresAt: now + UNUSED_CLIENT_LIFETIME_MS,
  };
  await clients.put(store, record);
  return {
    client_id: clientId,
    client_id_issued_at: Math.floor(now / 1000),
    // The secret lives as long as a used client: that is what a client that goes on to sign anyone in gets.
    ...(secret
      ? { client_secret: secret, client_secret_expires_at: Math.floor((now + CLIENT_LIFETIME_MS) / 1000) }
      : {}),
    client_name: record.clientName,
    redirect_uris: record.redirectUris,
    application_type: metadata.application_type,
    token_endpoint_auth_method: authMethod,
    grant_types: grantTypes,
    response_types: ['code'],
  };
}

/**
 * A user signed in through this registered client: it is kept for its full lifetime from
 * registration instead of a day. Once only, and only while it is alive; a client named by
 * a metadata document has no record, so nothing happens.
 */
export async function markClientUsed(store: Store, clientId: string, now = Date.now()): Promise<void> {
  await updateIf(store, {
    Key: keys.oauthClient(clientId),
    UpdateExpression: 'SET usedAt = :now, expiresAt = createdAt + :lifetime, #ttl = :ttl',
    ConditionExpression: 'attribute_not_exists(usedAt) AND expiresAt > :now',
    ExpressionAttributeNames: { '#ttl': 'ttl' },
    ExpressionAttributeValues: {
      ':now': now,
      ':lifetime': CLIENT_LIFETIME_MS,
      // The table's TTL is in seconds; createdAt is not known here without a read, so the
      // item is kept at most one lifetime from now: expiresAt is what every read checks.
      ':ttl': ttlSeconds(now + CLIENT_LIFETIME_MS),
    },
  });
}

/** True when `clientId` names a client ID metadata document (an https URL with a path, written canonically). */
export function isMetadataDocumentUrl(clientId: string, config: Config): boolean {
  let url: URL;
  try {
    url = new URL(clientId);
  } catch {
    return false;
  }
  // Written exactly as the URL parser writes it, so one document is one client id.
  if (url.href !== clientId || url.hash !== '' || url.username !== '' || url.password !== '') return false;
  if (url.protocol === 'https:') return url.pathname.length > 1;
  return config.OAUTH_ALLOW_LOOPBACK_HTTP && url.protocol === 'http:' && url.hostname === '127.0.0.1';
}

/**
 * The client a metadata document describes: it must name itself as `client_id`, and such a
 * client is public (PKCE, no secret). Fetched and kept by metadata-document.ts.
 */
export function fetchMetadataDocument(clientId: string, config: Config): Promise<KnownClient> {
  const url = new URL(clientId);
  return clientFromDocument(url, config, (document) => {
    const parsed = z.intersection(clientMetadata(config), z.object({ client_id: z.literal(clientId) })).parse(document);
    if ((parsed.token_endpoint_auth_method ?? 'none') !== 'none') throw new Error('not a public client');
    return {
      clientId,
      clientName: parsed.client_name ?? url.hostname,
      redirectUris: parsed.redirect_uris,
      applicationType: parsed.application_type,
      authMethod: 'none',
      grantTypes: parsed.grant_types ?? ['authorization_code'],
    };
  });
}

/** The client behind `clientId`: a registered one, or one named by its metadata document. */
export async function findClient(store: Store, config: Config, clientId: string): Promise<KnownClient | undefined> {
  if (isMetadataDocumentUrl(clientId, config)) return fetchMetadataDocument(clientId, config);
  if (clientId.length > 100) return undefined;
  const record = await clients.get(store, clientId);
  return record && { ...record, applicationType: record.applicationType ?? 'native' };
}
