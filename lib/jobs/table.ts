import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { awsClientOptions } from '../aws.ts';
import type { Config } from '../config.ts';

/**
 * The broker's one DynamoDB table (declared for AWS in serverless.yml, created locally
 * by local/dynamo.ts). Items are addressed by `pk`/`sk`; `ttl` (seconds) lets DynamoDB
 * delete expired items, though it may lag for days, so every read checks expiry itself.
 */
/** Key builders: one place that knows how items are laid out. */
export const keys = {
  agent: (agentId: string) => ({ pk: `AGENT#${agentId}`, sk: 'AGENT' }),
  pairingCode: (code: string) => ({ pk: `CODE#${code}`, sk: 'CODE' }),
  userAgent: (userId: string, agentId: string) => ({ pk: `USER#${userId}`, sk: `AGENT#${agentId}` }),
  userAgentsPrefix: (userId: string) => ({ pk: `USER#${userId}`, skPrefix: 'AGENT#' }),
  job: (jobId: string) => ({ pk: `JOB#${jobId}`, sk: 'JOB' }),
  /** Sorted by issue time, so a poll hands out the oldest waiting job first. */
  queuedJob: (agentId: string, issuedAt: number, jobId: string) => ({
    pk: `QUEUE#${agentId}`,
    sk: `${String(issuedAt).padStart(15, '0')}#${jobId}`,
  }),
  queue: (agentId: string) => ({ pk: `QUEUE#${agentId}` }),
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
export function isConditionFailure(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}
