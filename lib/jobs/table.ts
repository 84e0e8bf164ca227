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
