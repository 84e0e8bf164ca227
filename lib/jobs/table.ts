import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Config } from '../config.ts';

/**
 * The broker's one DynamoDB table (declared for AWS in serverless.yml, created locally
 * by local/dynamo.ts). Items are addressed by `pk`/`sk`; `ttl` (seconds) lets DynamoDB
 * delete expired items, though it may lag for days, so every read checks expiry itself.
 */
export const TABLE_KEYS = { partition: 'pk', sort: 'sk', ttl: 'ttl' } as const;

/** Key builders: one place that knows how items are laid out. */
export const keys = {
  agent: (agentId: string) => ({ pk: `AGENT#${agentId}`, sk: 'AGENT' }),
  pairingCode: (code: string) => ({ pk: `CODE#${code}`, sk: 'CODE' }),
  userAgent: (userId: string, agentId: string) => ({ pk: `USER#${userId}`, sk: `AGENT#${agentId}` }),
  userAgentsPrefix: (userId: string) => ({ pk: `USER#${userId}`, skPrefix: 'AGENT#' }),
  job: (jobId: string) => ({ pk: `JOB#${jobId}`, sk: 'JOB' }),
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
};

/** Seconds since the epoch, for the `ttl` attribute. */
export function ttlSeconds(ms: number): number {
  return Math.ceil(ms / 1000);
}

let cached: { client: DynamoDBDocumentClient; key: string } | undefined;

/** The document client for the configured table, made once per cold start. */
export function documentClient(config: Config): DynamoDBDocumentClient {
  const key = `${config.AWS_REGION}|${config.DYNAMODB_ENDPOINT ?? ''}`;
  if (cached?.key !== key) {
    const client = new DynamoDBClient({
      region: config.AWS_REGION,
      ...(config.DYNAMODB_ENDPOINT
        ? {
            endpoint: config.DYNAMODB_ENDPOINT,
            // The local emulator accepts any credentials; a real endpoint uses the role's.
            credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
          }
        : {}),
    });
    cached = { client: DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } }), key };
  }
  return cached.client;
}
