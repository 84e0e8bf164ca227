import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  type DeleteCommandInput,
  DynamoDBDocumentClient,
  PutCommand,
  type PutCommandInput,
  QueryCommand,
  UpdateCommand,
  type UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { awsClientOptions } from '../aws.ts';
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
  userGrantsPrefix: (userId: string) => ({ pk: `USER#${userId}`, skPrefix: 'GRANT#' }),
};

/** Seconds since the epoch, for the `ttl` attribute. */
export function ttlSeconds(ms: number): number {
  return Math.ceil(ms / 1000);
}

/** Where agents and jobs live: a document client and the table name. */
export interface Store {
  db: DynamoDBDocumentClient;
  table: string;
}

let cached: { client: DynamoDBClient; document: DynamoDBDocumentClient; key: string } | undefined;

function clients(config: Config) {
  const key = `${config.AWS_REGION}|${config.DYNAMODB_ENDPOINT ?? ''}`;
  if (cached?.key !== key) {
    const client = new DynamoDBClient(awsClientOptions(config, config.DYNAMODB_ENDPOINT));
    const document = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
    cached = { client, document, key };
  }
  return cached;
}

/** The configured table and its document client, made once per cold start. */
export function storeFor(config: Config): Store {
  return { db: clients(config).document, table: config.TABLE_NAME };
}

/** The plain DynamoDB client of the same table, for libraries that bring their own marshalling. */
export function tableClient(config: Config): DynamoDBClient {
  return clients(config).client;
}

/** True for DynamoDB's answer to a failed condition: the basis of claim-once and use-once. */
function isConditionFailure(error: unknown): boolean {
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
export function updateIf<T = Record<string, unknown>>(store: Store, update: Omit<UpdateCommandInput, 'TableName'>) {
  return unlessConditionFails<T>(store.db.send(new UpdateCommand({ TableName: store.table, ...update })));
}

/** A put that happens only if its `ConditionExpression` holds. */
export function putIf(store: Store, put: Omit<PutCommandInput, 'TableName'>) {
  return unlessConditionFails(store.db.send(new PutCommand({ TableName: store.table, ...put })));
}

/** A delete that happens only if its `ConditionExpression` holds; with `ALL_OLD`, answers what it deleted. */
export function deleteIf<T = Record<string, unknown>>(store: Store, remove: Omit<DeleteCommandInput, 'TableName'>) {
  return unlessConditionFails<T>(store.db.send(new DeleteCommand({ TableName: store.table, ...remove })));
}

/** Every item of one partition whose sort key starts with `skPrefix` (strongly consistent), as the caller's item type. */
export async function queryPrefix<T = Record<string, unknown>>(
  store: Store,
  prefix: { pk: string; skPrefix: string },
): Promise<T[]> {
  const { Items = [] } = await store.db.send(
    new QueryCommand({
      TableName: store.table,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': prefix.pk, ':prefix': prefix.skPrefix },
      ConsistentRead: true,
    }),
  );
  return Items as T[];
}
