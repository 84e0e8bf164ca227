import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { callJson, DYNAMODB } from '../aws/json.ts';
import { AwsError } from '../aws/signed.ts';
import type { Config } from '../config.ts';

/**
 * The broker's one DynamoDB table (declared for AWS in serverless.yml, created locally
 * by local/dynamo.ts). Items are addressed by `pk`/`sk`; `ttl` (seconds) lets DynamoDB
 * delete expired items, though it may lag for days, so every read checks expiry itself.
 */
/**
 * The table's key and expiry attributes, for whatever creates the table: serverless.yml on
 * AWS (the deploy test holds it to this), local/dynamo.ts locally.
 */
export const TABLE_ATTRIBUTES = { partition: 'pk', sort: 'sk', ttl: 'ttl' } as const;

/** Key builders: one place that knows how items are laid out. */
export const keys = {
  agent: (agentId: string) => ({ pk: `AGENT#${agentId}`, sk: 'AGENT' }),
  pairingCode: (code: string) => ({ pk: `CODE#${code}`, sk: 'CODE' }),
  userAgent: (userId: string, agentId: string) => ({ pk: `USER#${userId}`, sk: `AGENT#${agentId}` }),
  userAgentsPrefix: (userId: string) => ({ pk: `USER#${userId}`, skPrefix: 'AGENT#' }),
  job: (jobId: string) => ({ pk: `JOB#${jobId}`, sk: 'JOB' }),
  /** An account page session, by the hash of its cookie's secret (lib/pages/account-session.ts). */
  accountSession: (secretHash: string) => ({ pk: `ACCOUNT#${secretHash}`, sk: 'SESSION' }),
  /** A job waiting for its agent's acknowledgement; under the agent, so only it can take it. */
  queuedJob: (agentId: string, jobId: string) => ({ pk: `QUEUE#${agentId}`, sk: `JOB#${jobId}` }),
  queue: (agentId: string) => ({ pk: `QUEUE#${agentId}` }),
  /** One open WebSocket of an agent, listed under the agent for pushes. */
  agentConnection: (agentId: string, connectionId: string) => ({ pk: `AGENT#${agentId}`, sk: `CONN#${connectionId}` }),
  agentConnectionsPrefix: (agentId: string) => ({ pk: `AGENT#${agentId}`, skPrefix: 'CONN#' }),
  /** The same connection by its id, for the messages that arrive on it. */
  connection: (connectionId: string) => ({ pk: `CONN#${connectionId}`, sk: 'CONN' }),
  /** A request nonce already used by an agent (kept for the skew window). */
  nonce: (agentId: string, nonce: string) => ({ pk: `NONCE#${agentId}#${nonce}`, sk: 'NONCE' }),
  /** A counter of attempts at something (`scope`) in one fixed time window. */
  attempts: (scope: string, windowStart: number) => ({ pk: `LIMIT#${scope}`, sk: String(windowStart) }),
  /** The OAuth front's items (lib/oauth/records.ts): registered clients, sign-ins in progress, codes. */
  oauthClient: (clientId: string) => ({ pk: `OAUTHCLIENT#${clientId}`, sk: 'CLIENT' }),
  oauthRequest: (requestId: string) => ({ pk: `OAUTHREQ#${requestId}`, sk: 'REQUEST' }),
  oauthCode: (codeHash: string) => ({ pk: `OAUTHCODE#${codeHash}`, sk: 'CODE' }),
  /** An MCP grant; its tokens live in its partition, so ending it finds and deletes them all (one Query). */
  grant: (grantId: string) => ({ pk: `GRANT#${grantId}`, sk: 'GRANT' }),
  accessToken: (grantId: string, tokenHash: string) => ({ pk: `GRANT#${grantId}`, sk: `ACCESS#${tokenHash}` }),
  refreshToken: (grantId: string, tokenHash: string) => ({ pk: `GRANT#${grantId}`, sk: `REFRESH#${tokenHash}` }),
  /** A grant listed under its person (Google subject), for the account page; beside their computers. */
  userGrant: (userId: string, grantId: string) => ({ pk: `USER#${userId}`, sk: `GRANT#${grantId}` }),
  /** A sending-once record (Powertools idempotency): the operation's partition, the hashed request key. */
  idempotency: (operation: string, hashedKey: string) => ({ pk: `IDEMPOTENCY#${operation}`, sk: hashedKey }),
  userGrantsPrefix: (userId: string) => ({ pk: `USER#${userId}`, skPrefix: 'GRANT#' }),
};

/** Seconds since the epoch, for the `ttl` attribute. */
export function ttlSeconds(ms: number): number {
  return Math.ceil(ms / 1000);
}

/**
 * An item or key as the code sees it: plain values, marshalled to DynamoDB's form on the
 * way. Values are `any`, as lib-dynamodb typed them (its NativeAttributeValue), so each
 * reader states the item type it expects, as before.
 */
export type Doc = Record<string, any>;

interface Expressions {
  TableName: string;
  ConditionExpression?: string;
  ExpressionAttributeNames?: Record<string, string>;
  ExpressionAttributeValues?: Doc;
  /** DynamoDB then puts the item that failed the condition in the error (`AwsError.fields.Item`, marshalled). */
  ReturnValuesOnConditionCheckFailure?: 'ALL_OLD' | 'NONE';
}
type Returns = 'NONE' | 'ALL_OLD' | 'UPDATED_OLD' | 'ALL_NEW' | 'UPDATED_NEW';
/** GetItem's input (lib-dynamodb's GetCommandInput, the parameters the broker uses). */
export interface GetInput {
  TableName: string;
  Key: Doc;
  ConsistentRead?: boolean;
  ProjectionExpression?: string;
  ExpressionAttributeNames?: Record<string, string>;
}
/** PutItem's input. */
export interface PutInput extends Expressions {
  Item: Doc;
  ReturnValues?: 'NONE' | 'ALL_OLD';
}
/** UpdateItem's input. */
export interface UpdateInput extends Expressions {
  Key: Doc;
  UpdateExpression: string;
  ReturnValues?: Returns;
}
/** DeleteItem's input. */
export interface DeleteInput extends Expressions {
  Key: Doc;
  ReturnValues?: 'NONE' | 'ALL_OLD';
}
/** Query's input. */
export interface QueryInput extends Omit<Expressions, 'ConditionExpression' | 'ReturnValuesOnConditionCheckFailure'> {
  KeyConditionExpression: string;
  FilterExpression?: string;
  ProjectionExpression?: string;
  ConsistentRead?: boolean;
  Limit?: number;
  ExclusiveStartKey?: Doc;
  ScanIndexForward?: boolean;
}

/**
 * The table's five actions, taking and answering documents as @aws-sdk/lib-dynamodb's
 * commands did (same parameter names; `undefined` attributes dropped, as the broker's
 * document client was configured), signed with aws4fetch instead of the SDK: the SDK's
 * DynamoDB client cost 45-48 ms of every cold start, this 2-3 ms.
 */
export interface Table {
  get(input: GetInput): Promise<{ Item?: Doc }>;
  put(input: PutInput): Promise<{ Attributes?: Doc }>;
  update(input: UpdateInput): Promise<{ Attributes?: Doc }>;
  delete(input: DeleteInput): Promise<{ Attributes?: Doc }>;
  query(input: QueryInput): Promise<{ Items?: Doc[]; LastEvaluatedKey?: Doc; Count?: number }>;
}

/** Where agents and jobs live: the table's actions and its name. */
export interface Store {
  db: Table;
  table: string;
}

const MARSHALLED_IN = ['Key', 'Item', 'ExpressionAttributeValues', 'ExclusiveStartKey'] as const;

interface Raw {
  Item?: Doc;
  Attributes?: Doc;
  Items?: Doc[];
  LastEvaluatedKey?: Doc;
  Count?: number;
}

const toDoc = (item: Doc) => unmarshall(item as Parameters<typeof unmarshall>[0]);

/** One action with its document-shaped input marshalled and its output unmarshalled. */
async function call(config: Config, action: string, input: object): Promise<Raw> {
  const wire: Record<string, unknown> = { ...input };
  for (const field of MARSHALLED_IN) {
    const value = wire[field];
    if (value !== undefined) wire[field] = marshall(value as Doc, { removeUndefinedValues: true });
  }
  const out = await callJson<Raw>(config, DYNAMODB, action, wire, config.DYNAMODB_ENDPOINT);
  return {
    ...out,
    ...(out.Item ? { Item: toDoc(out.Item) } : {}),
    ...(out.Attributes ? { Attributes: toDoc(out.Attributes) } : {}),
    ...(out.LastEvaluatedKey ? { LastEvaluatedKey: toDoc(out.LastEvaluatedKey) } : {}),
    ...(out.Items ? { Items: out.Items.map(toDoc) } : {}),
  };
}

/** The table's actions for a configuration (the table name comes with each input, as with the SDK). */
export function tableOf(config: Config): Table {
  return {
    get: (input) => call(config, 'GetItem', input),
    put: (input) => call(config, 'PutItem', input),
    update: (input) => call(config, 'UpdateItem', input),
    delete: (input) => call(config, 'DeleteItem', input),
    query: (input) => call(config, 'Query', input),
  };
}

/** The configured table and its actions. */
export function storeFor(config: Config): Store {
  return { db: tableOf(config), table: config.TABLE_NAME };
}

/** The item a failed conditional write found, when it asked for it with ReturnValuesOnConditionCheckFailure. */
export function itemOfConditionFailure(error: unknown): Doc | undefined {
  if (!(error instanceof AwsError) || !isConditionFailure(error)) return undefined;
  const item = error.fields.Item;
  return item && typeof item === 'object' ? toDoc(item as Doc) : undefined;
}

/** True for DynamoDB's answer to a failed condition: the basis of claim-once and use-once. */
export function isConditionFailure(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}

/**
 * A conditional write: the attributes it asked to return (`{}` when none), or undefined when
 * its condition failed. A failed condition is an answer, not an error (someone else got
 * there first, or the write no longer applies); anything else is thrown.
 */
async function unlessConditionFails<T>(write: Promise<{ Attributes?: Record<string, unknown> | undefined }>) {
  try {
    const { Attributes } = await write;
    return (Attributes ?? {}) as T;
  } catch (error) {
    if (isConditionFailure(error)) return undefined;
    throw error;
  }
}

/** An update that happens only if its `ConditionExpression` holds (see `unlessConditionFails`). */
export function updateIf<T = Record<string, unknown>>(store: Store, update: Omit<UpdateInput, 'TableName'>) {
  return unlessConditionFails<T>(store.db.update({ TableName: store.table, ...update }));
}

/** A put that happens only if its `ConditionExpression` holds. */
export function putIf(store: Store, put: Omit<PutInput, 'TableName'>) {
  return unlessConditionFails(store.db.put({ TableName: store.table, ...put }));
}

/** A delete that happens only if its `ConditionExpression` holds; with `ALL_OLD`, answers what it deleted. */
export function deleteIf<T = Record<string, unknown>>(store: Store, remove: Omit<DeleteInput, 'TableName'>) {
  return unlessConditionFails<T>(store.db.delete({ TableName: store.table, ...remove }));
}

/** Every item of one partition whose sort key starts with `skPrefix` (strongly consistent), as the caller's item type. */
export async function queryPrefix<T = Record<string, unknown>>(
  store: Store,
  prefix: { pk: string; skPrefix: string },
): Promise<T[]> {
  const { Items = [] } = await store.db.query({
    TableName: store.table,
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    ExpressionAttributeValues: { ':pk': prefix.pk, ':prefix': prefix.skPrefix },
    ConsistentRead: true,
  });
  return Items as T[];
}
