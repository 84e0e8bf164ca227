import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Config } from '../config.ts';
import { documentClient } from './table.ts';

/** Where agents and jobs live: a document client and the table name. */
export interface Store {
  db: DynamoDBDocumentClient;
  table: string;
}

export function storeFor(config: Config): Store {
  return { db: documentClient(config), table: config.TABLE_NAME };
}

/** True for DynamoDB's answer to a failed condition: the basis of claim-once and use-once. */
export function isConditionFailure(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}
