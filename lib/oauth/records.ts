import { createHash, randomBytes } from 'node:crypto';
import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { deleteIf, type Store, ttlSeconds, updateIf } from '../jobs/table.ts';
import type { Sealed } from './sealing.ts';

/**
 * What the OAuth front keeps in the broker's one table, and where. Every secret that a
 * client holds (codes, access and refresh tokens, client secrets) is stored only as its
 * SHA-256, so the table never holds a usable credential; the one upstream secret (the
 * user's Google refresh token) is sealed (sealing.ts). Every item has a `ttl`, and every
 * read checks `expiresAt` itself because DynamoDB deletes late.
 */
export const oauthKeys = {
  client: (clientId: string) => ({ pk: `OAUTHCLIENT#${clientId}`, sk: 'CLIENT' }),
  request: (requestId: string) => ({ pk: `OAUTHREQ#${requestId}`, sk: 'REQUEST' }),
  code: (codeHash: string) => ({ pk: `OAUTHCODE#${codeHash}`, sk: 'CODE' }),
  grant: (grantId: string) => ({ pk: `GRANT#${grantId}`, sk: 'GRANT' }),
  accessToken: (tokenHash: string) => ({ pk: `OAUTHTOKEN#${tokenHash}`, sk: 'ACCESS' }),
  refreshToken: (tokenHash: string) => ({ pk: `OAUTHTOKEN#${tokenHash}`, sk: 'REFRESH' }),
};

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
  createdAt: number;
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
  clientId: string;
  resource: string;
  tools: string[];
  expiresAt: number;
}

type Item<T> = T & { pk: string; sk: string; ttl: number };

/** The record an item holds, without the table's key and expiry attributes. */
function recordOf<T>(item: object): T {
  const { pk: _pk, sk: _sk, ttl: _ttl, ...record } = item as Item<T>;
  return record as T;
}

async function put<T extends object>(store: Store, key: { pk: string; sk: string }, record: T, expiresAt: number) {
  await store.db.send(
    new PutCommand({ TableName: store.table, Item: { ...key, ...record, ttl: ttlSeconds(expiresAt) } }),
  );
}

async function get<T>(store: Store, key: { pk: string; sk: string }, now: number): Promise<T | undefined> {
  const out = await store.db.send(new GetCommand({ TableName: store.table, Key: key, ConsistentRead: true }));
  const item = out.Item as Item<T & { expiresAt: number }> | undefined;
  if (!item || item.expiresAt <= now) return undefined;
  return recordOf<T>(item);
}

async function remove(store: Store, key: { pk: string; sk: string }): Promise<void> {
  await store.db.send(new DeleteCommand({ TableName: store.table, Key: key }));
}

export const clients = {
  put: (store: Store, record: ClientRecord) => put(store, oauthKeys.client(record.clientId), record, record.expiresAt),
  get: (store: Store, clientId: string, now = Date.now()) => get<ClientRecord>(store, oauthKeys.client(clientId), now),
};

export const requests = {
  put: (store: Store, record: RequestRecord) =>
    put(store, oauthKeys.request(record.requestId), record, record.expiresAt),
  get: (store: Store, requestId: string, now = Date.now()) =>
    get<RequestRecord>(store, oauthKeys.request(requestId), now),
  /** Marks the request approved, once, and only from the browser that was shown the consent page. */
  async approve(store: Store, requestId: string, browserHash: string, now = Date.now()): Promise<boolean> {
    const approved = await updateIf(store, {
      Key: oauthKeys.request(requestId),
      UpdateExpression: 'SET approved = :yes',
      ConditionExpression: 'browserHash = :browser AND approved = :no AND expiresAt > :now',
      ExpressionAttributeValues: { ':yes': true, ':no': false, ':browser': browserHash, ':now': now },
    });
    return approved !== undefined;
  },
  /** Takes the approved request for the callback: deleted in the same step, so a callback works once. */
  async take(store: Store, requestId: string, now = Date.now()): Promise<RequestRecord | undefined> {
    const taken = await deleteIf(store, {
      Key: oauthKeys.request(requestId),
      ConditionExpression: 'approved = :yes AND expiresAt > :now',
      ExpressionAttributeValues: { ':yes': true, ':now': now },
      ReturnValues: 'ALL_OLD',
    });
    return taken && recordOf<RequestRecord>(taken);
  },
};

export const grants = {
  put: (store: Store, record: GrantRecord) => put(store, oauthKeys.grant(record.grantId), record, record.expiresAt),
  get: (store: Store, grantId: string, now = Date.now()) => get<GrantRecord>(store, oauthKeys.grant(grantId), now),
  /** Ends a grant: its sealed Google token goes with it, and every token naming it stops working. */
  revoke: (store: Store, grantId: string) => remove(store, oauthKeys.grant(grantId)),
};

export const codes = {
  put: (store: Store, codeHash: string, record: CodeRecord, keepUntil: number) =>
    put(store, oauthKeys.code(codeHash), record, keepUntil),
  /** The code's record, whatever its state (expired codes still tell a replay apart). */
  async get(store: Store, codeHash: string): Promise<CodeRecord | undefined> {
    const out = await store.db.send(
      new GetCommand({ TableName: store.table, Key: oauthKeys.code(codeHash), ConsistentRead: true }),
    );
    return out.Item && recordOf<CodeRecord>(out.Item);
  },
  /** Marks the code redeemed, once: false when another redemption got there first. */
  async redeem(store: Store, codeHash: string, now: number): Promise<boolean> {
    const redeemed = await updateIf(store, {
      Key: oauthKeys.code(codeHash),
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
      Key: oauthKeys.code(codeHash),
      UpdateExpression: 'SET answer = :answer',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeValues: { ':answer': answer },
    });
  },
};

export const tokens = {
  putAccess: (store: Store, tokenHash: string, record: TokenRecord) =>
    put(store, oauthKeys.accessToken(tokenHash), record, record.expiresAt),
  getAccess: (store: Store, tokenHash: string, now = Date.now()) =>
    get<TokenRecord>(store, oauthKeys.accessToken(tokenHash), now),
  putRefresh: (store: Store, tokenHash: string, record: TokenRecord) =>
    put(store, oauthKeys.refreshToken(tokenHash), record, record.expiresAt),
  /** Uses a refresh token up (rotation): deleted as it is read, so only one request gets it. */
  async takeRefresh(store: Store, tokenHash: string, now = Date.now()): Promise<TokenRecord | undefined> {
    const out = await store.db.send(
      new DeleteCommand({ TableName: store.table, Key: oauthKeys.refreshToken(tokenHash), ReturnValues: 'ALL_OLD' }),
    );
    const item = out.Attributes as Item<TokenRecord> | undefined;
    if (!item || item.expiresAt <= now) return undefined;
    return recordOf<TokenRecord>(item);
  },
  revokeAccess: (store: Store, tokenHash: string) => remove(store, oauthKeys.accessToken(tokenHash)),
};
