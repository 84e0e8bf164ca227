import { createHash, randomBytes } from 'node:crypto';
import { deleteIf, keys, queryPrefix, type Store, ttlSeconds, updateIf } from '../store/table.ts';
import type { Sealed, TokenSealed } from './sealing.ts';

// What the OAuth front keeps in the broker's one table (its keys: lib/store/table.ts). Every
// secret that a client holds (codes, access and refresh tokens, client secrets) is stored
// only as its SHA-256, so the table never holds a usable credential; the one upstream secret
// (the user's Google refresh token) is sealed (sealing.ts). Every item has a `ttl`, and every
// read checks `expiresAt` itself because DynamoDB deletes late.

/** A fresh unguessable value (256 bits) with a prefix saying what it is. */
export function randomSecret(prefix: string): string {
  return `${prefix}${randomBytes(32).toString('base64url')}`;
}

/** The stored form of a secret: its SHA-256, base64url. */
export function hashSecret(value: string): string {
  return createHash('sha256').update(value).digest('base64url');
}

/** A client that registered itself (RFC 7591). Clients named by a metadata-document URL are not stored. */
export interface ClientRecord {
  clientId: string;
  clientName: string;
  redirectUris: string[];
  /** `web` or `native` (lib/oauth/redirect-uris.ts); absent on registrations older than the field. */
  applicationType?: 'web' | 'native';
  /** `none` (public, PKCE only) or `client_secret_post`/`client_secret_basic`. */
  authMethod: string;
  secretHash?: string;
  grantTypes?: string[];
  createdAt: number;
  /** A day after registration until a user signs in through it, then `createdAt` + 180 days. */
  expiresAt: number;
  /** When a user first signed in through it. */
  usedAt?: number;
}

/** An authorization in progress: from the client's request to Google's callback. */
export interface RequestRecord {
  requestId: string;
  clientId: string;
  clientName: string;
  redirectUri: string;
  state?: string;
  codeChallenge: string;
  resource: string;
  /** Tool names the client asked for (all tools when it named none). */
  tools: string[];
  /** The client asked for `offline_access`, or registered the refresh_token grant (SEP-2207). */
  refreshable: boolean;
  /** Step-up: this browser's live grant to the same client, whose tools the consent page did not ask again. */
  previousGrantId?: string;
  /** The tools the consent page asked for (those not already in the previous grant). */
  askedTools: string[];
  /** Hash of the consent cookie's value: ties the approval and the callback to one browser. */
  browserHash: string;
  approved: boolean;
  /** PKCE verifier for the upstream (Google) leg. */
  upstreamVerifier: string;
  expiresAt: number;
}

/** One user's consent to one client: the sealed Google refresh token and what it allows. */
export interface GrantRecord {
  grantId: string;
  userId: string;
  email?: string;
  clientId: string;
  clientName: string;
  resource: string;
  tools: string[];
  googleScopes: string[];
  googleRefreshToken: Sealed;
  /** Refresh tokens are issued (SEP-2207: the client asked for offline_access or registered the grant type). */
  refreshable?: boolean;
  /** Hash of the grant cookie's secret: this browser may step this grant up (authorize.ts). */
  browserHash?: string;
  createdAt: number;
  /** When the client last obtained an access token under this grant (code or refresh). */
  refreshedAt?: number;
  expiresAt: number;
}

/** An authorization code: one use, plus a short grace for clients that post it twice. */
export interface CodeRecord {
  grantId: string;
  clientId: string;
  redirectUri: string;
  codeChallenge: string;
  resource: string;
  expiresAt: number;
  redeemedAt?: number;
  /** The tokens the first redemption answered, sealed, kept for the grace only. */
  answer?: Sealed;
}

/** A broker access or refresh token's record (the token itself is only hashed). */
export interface TokenRecord {
  grantId: string;
  /** The Google account behind the grant (the person, for anything keyed on the caller). */
  userId: string;
  clientId: string;
  resource: string;
  tools: string[];
  expiresAt: number;
  /** Access tokens: the Google access token, sealed under a key derived from this broker token. */
  google?: TokenSealed;
  /** Refresh tokens: when it was used (rotation); presenting it again ends the grant. */
  usedAt?: number;
}

/** The grant a broker token belongs to (tokens are `mcp-at-<grant>.<secret>`, `mcp-rt-<grant>.<secret>`). */
export function grantOfToken(token: string): string | undefined {
  return /^mcp-[ar]t-([A-Za-z0-9_-]{32})\.[A-Za-z0-9_-]{43}$/.exec(token)?.[1];
}

/** A fresh broker token of `kind` for a grant. */
export function newToken(kind: 'at' | 'rt', grantId: string): string {
  return randomSecret(`mcp-${kind}-${grantId}.`);
}

/** A fresh grant id (the prefix of its tokens). */
export function newGrantId(): string {
  return randomSecret('').slice(0, 32);
}

type Item<T> = T & { pk: string; sk: string; ttl: number };

/** The record an item holds, without the table's key and expiry attributes. */
function recordOf<T>(item: object): T {
  const { pk: _pk, sk: _sk, ttl: _ttl, ...record } = item as Item<T>;
  return record as T;
}

async function put<T extends object>(store: Store, key: { pk: string; sk: string }, record: T, expiresAt: number) {
  await store.db.put({ TableName: store.table, Item: { ...key, ...record, ttl: ttlSeconds(expiresAt) } });
}

async function get<T>(store: Store, key: { pk: string; sk: string }, now: number): Promise<T | undefined> {
  const out = await store.db.get({ TableName: store.table, Key: key, ConsistentRead: true });
  const item = out.Item as Item<T & { expiresAt: number }> | undefined;
  if (!item || item.expiresAt <= now) return undefined;
  return recordOf<T>(item);
}

async function remove(store: Store, key: { pk: string; sk: string }): Promise<void> {
  await store.db.delete({ TableName: store.table, Key: key });
}

export const clients = {
  put: (store: Store, record: ClientRecord) => put(store, keys.oauthClient(record.clientId), record, record.expiresAt),
  get: (store: Store, clientId: string, now = Date.now()) => get<ClientRecord>(store, keys.oauthClient(clientId), now),
};

export const requests = {
  put: (store: Store, record: RequestRecord) =>
    put(store, keys.oauthRequest(record.requestId), record, record.expiresAt),
  get: (store: Store, requestId: string, now = Date.now()) =>
    get<RequestRecord>(store, keys.oauthRequest(requestId), now),
  /** Marks the request approved, once, and only from the browser that was shown the consent page. */
  async approve(store: Store, requestId: string, browserHash: string, now = Date.now()): Promise<boolean> {
    const approved = await updateIf(store, {
      Key: keys.oauthRequest(requestId),
      UpdateExpression: 'SET approved = :yes',
      ConditionExpression: 'browserHash = :browser AND approved = :no AND expiresAt > :now',
      ExpressionAttributeValues: { ':yes': true, ':no': false, ':browser': browserHash, ':now': now },
    });
    return approved !== undefined;
  },
  /** Takes the approved request for the callback: deleted in the same step, so a callback works once. */
  async take(store: Store, requestId: string, now = Date.now()): Promise<RequestRecord | undefined> {
    const taken = await deleteIf(store, {
      Key: keys.oauthRequest(requestId),
      ConditionExpression: 'approved = :yes AND expiresAt > :now',
      ExpressionAttributeValues: { ':yes': true, ':now': now },
      ReturnValues: 'ALL_OLD',
    });
    return taken && recordOf<RequestRecord>(taken);
  },
};

export const grants = {
  /** Stores a grant, and lists it under its person (an index item holding only its id). */
  async put(store: Store, record: GrantRecord): Promise<void> {
    await put(store, keys.grant(record.grantId), record, record.expiresAt);
    await put(store, keys.userGrant(record.userId, record.grantId), { grantId: record.grantId }, record.expiresAt);
  },
  get: (store: Store, grantId: string, now = Date.now()) => get<GrantRecord>(store, keys.grant(grantId), now),
  /**
   * The person's live grants, oldest first. A grant ended elsewhere (revocation, a replayed
   * refresh token, Google's invalid_grant) leaves its index item behind: skipped and deleted here.
   */
  async ofUser(store: Store, userId: string, now = Date.now()): Promise<GrantRecord[]> {
    const listed = await queryPrefix<{ grantId: string }>(store, keys.userGrantsPrefix(userId));
    const found = await Promise.all(
      listed.map(async ({ grantId }) => {
        const grant = await get<GrantRecord>(store, keys.grant(grantId), now);
        if (!grant) await remove(store, keys.userGrant(userId, grantId));
        return grant?.userId === userId ? grant : undefined;
      }),
    );
    return found.filter((grant) => grant !== undefined).sort((a, b) => a.createdAt - b.createdAt);
  },
  /** Notes that the client just obtained an access token (the account page's "last refreshed"); one write. */
  async markRefreshed(store: Store, grantId: string, now = Date.now()): Promise<void> {
    await updateIf(store, {
      Key: keys.grant(grantId),
      UpdateExpression: 'SET refreshedAt = :now',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeValues: { ':now': now },
    });
  },
  /** Ends a grant: its sealed Google token and every token it issued are deleted. */
  revoke: (store: Store, grantId: string) => deleteGrantPartition(store, grantId),
};

export const codes = {
  put: (store: Store, codeHash: string, record: CodeRecord, keepUntil: number) =>
    put(store, keys.oauthCode(codeHash), record, keepUntil),
  /** The code's record, whatever its state (expired codes still tell a replay apart). */
  async get(store: Store, codeHash: string): Promise<CodeRecord | undefined> {
    const out = await store.db.get({ TableName: store.table, Key: keys.oauthCode(codeHash), ConsistentRead: true });
    return out.Item && recordOf<CodeRecord>(out.Item);
  },
  /** Marks the code redeemed, once: false when another redemption got there first. */
  async redeem(store: Store, codeHash: string, now: number): Promise<boolean> {
    const redeemed = await updateIf(store, {
      Key: keys.oauthCode(codeHash),
      UpdateExpression: 'SET redeemedAt = :now',
      ConditionExpression: 'attribute_not_exists(redeemedAt) AND expiresAt > :now',
      ExpressionAttributeValues: { ':now': now },
    });
    return redeemed !== undefined;
  },
  /**
   * Keeps the first redemption's answer (sealed) for the grace. Only on a code that still
   * exists: an update alone would create a record with no expiry.
   */
  async keepAnswer(store: Store, codeHash: string, answer: Sealed): Promise<void> {
    await updateIf(store, {
      Key: keys.oauthCode(codeHash),
      UpdateExpression: 'SET answer = :answer',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeValues: { ':answer': answer },
    });
  },
};

/** The key of a broker token's record, or undefined for anything that is not one of ours. */
function tokenKey(kind: 'ACCESS' | 'REFRESH', token: string) {
  const grantId = grantOfToken(token);
  if (!grantId) return undefined;
  const hash = hashSecret(token);
  return kind === 'ACCESS' ? keys.accessToken(grantId, hash) : keys.refreshToken(grantId, hash);
}

async function putToken(store: Store, kind: 'ACCESS' | 'REFRESH', token: string, record: TokenRecord) {
  const key = tokenKey(kind, token);
  if (!key) throw new Error(`not a broker ${kind.toLowerCase()} token`);
  await put(store, key, record, record.expiresAt);
}

/** Broker tokens, looked up by the token itself (which names its grant) and stored by its hash. */
export const tokens = {
  putAccess: (store: Store, token: string, record: TokenRecord) => putToken(store, 'ACCESS', token, record),
  /** One consistent read: the token's record, while unexpired. */
  async getAccess(store: Store, token: string, now = Date.now()): Promise<TokenRecord | undefined> {
    const key = tokenKey('ACCESS', token);
    return key && get<TokenRecord>(store, key, now);
  },
  async revokeAccess(store: Store, token: string): Promise<void> {
    const key = tokenKey('ACCESS', token);
    if (key) await remove(store, key);
  },
  putRefresh: (store: Store, token: string, record: TokenRecord) => putToken(store, 'REFRESH', token, record),
  /** The refresh token's record, spent or not, while unexpired. */
  async getRefresh(store: Store, token: string, now = Date.now()): Promise<TokenRecord | undefined> {
    const key = tokenKey('REFRESH', token);
    return key && get<TokenRecord>(store, key, now);
  },
  /**
   * Spends a refresh token (rotation): marks it used, once, and only for the client it was
   * issued to. Undefined when it is unknown, expired, already spent or another client's;
   * the record stays (until the grant ends) so a second use can be recognised.
   */
  async spendRefresh(store: Store, token: string, clientId: string, now = Date.now()) {
    const key = tokenKey('REFRESH', token);
    if (!key) return undefined;
    const spent = await updateIf(store, {
      Key: key,
      UpdateExpression: 'SET usedAt = :now',
      ConditionExpression: 'attribute_not_exists(usedAt) AND clientId = :client AND expiresAt > :now',
      ExpressionAttributeValues: { ':now': now, ':client': clientId },
      ReturnValues: 'ALL_NEW',
    });
    return spent && recordOf<TokenRecord>(spent);
  },
};

/** Deletes every item in a grant's partition: the grant and all its tokens. */
export async function deleteGrantPartition(store: Store, grantId: string): Promise<void> {
  const { pk } = keys.grant(grantId);
  let start: Record<string, unknown> | undefined;
  do {
    const page = await store.db.query({
      TableName: store.table,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': pk },
      ProjectionExpression: 'pk, sk',
      ConsistentRead: true,
      ...(start ? { ExclusiveStartKey: start } : {}),
    });
    await Promise.all((page.Items ?? []).map((item) => remove(store, { pk: item.pk, sk: item.sk })));
    start = page.LastEvaluatedKey;
  } while (start);
}
