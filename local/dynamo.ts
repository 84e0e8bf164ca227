import type { IncomingMessage, Server } from 'node:http';
import { CreateTableCommand, DynamoDBClient, waitUntilTableExists } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { TABLE_ATTRIBUTES } from '../lib/store/table.ts';
import { type AwsCall, callerOf } from './aws-calls.ts';

export interface LocalDynamo {
  endpoint: string;
  port: number;
  /** Counts requests, for benchmarks that report DynamoDB calls per operation. */
  requestCount(): number;
  close(): Promise<void>;
}

/**
 * Runs dynalite (DynamoDB in pure JavaScript) on loopback and creates the broker's table
 * with the same keys as serverless.yml. In memory unless `path` names a folder.
 */
export async function startLocalDynamo(options: {
  port?: number;
  tableName: string;
  path?: string;
  /** Told of every request, with its action and the function that sent it. */
  onCall?: (call: AwsCall) => void;
}): Promise<LocalDynamo> {
  const server: Server = dynalite({ createTableMs: 0, ...(options.path ? { path: options.path } : {}) });
  let requests = 0;
  server.on('request', (request: IncomingMessage) => {
    requests += 1;
    const action = String(request.headers['x-amz-target'] ?? '').replace(/^DynamoDB_\d+\./, '');
    options.onCall?.({ service: 'dynamodb', action, function: callerOf(request.headers['user-agent']) });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  try {
    await client.send(
      new CreateTableCommand({
        TableName: options.tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: TABLE_ATTRIBUTES.partition, AttributeType: 'S' },
          { AttributeName: TABLE_ATTRIBUTES.sort, AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: TABLE_ATTRIBUTES.partition, KeyType: 'HASH' },
          { AttributeName: TABLE_ATTRIBUTES.sort, KeyType: 'RANGE' },
        ],
      }),
    );
  } catch (error) {
    // A table kept on disk from an earlier run is already there.
    if (!(error instanceof Error && error.name === 'ResourceInUseException')) throw error;
  }
  await waitUntilTableExists({ client, maxWaitTime: 20, minDelay: 1, maxDelay: 2 }, { TableName: options.tableName });
  client.destroy();
  return {
    endpoint,
    port,
    requestCount: () => requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
