import { createHash } from 'node:crypto';
import type { JSONValue } from '@aws-lambda-powertools/commons/types';
import {
  IdempotencyAlreadyInProgressError,
  IdempotencyConfig,
  IdempotencyValidationError,
  makeIdempotent,
} from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { Context } from 'aws-lambda';
import type { Config } from './config.ts';
import { BrokerError } from './errors.ts';
import { TABLE_ATTRIBUTES, tableClient } from './jobs/table.ts';

/**
 * How long the same request counts as a repeat. ChatGPT gives an action 45 s and then may
 * call again; a person who means to send the same mail twice rarely does so this fast.
 */
export const REPEAT_WINDOW_SECONDS = 180;

export interface OnceOptions {
  config: Config;
  /** The invocation: an interrupted first attempt stops blocking repeats once it has timed out. */
  context: Context;
  /** The operation's name: the namespace of its records. */
  operation: string;
  /** Who asks: their access token, hashed here and never stored. */
  caller: string;
  /** The validated request (without credentials): what makes two calls the same. */
  request: object;
  /** The client's own `Idempotency-Key`, when it sent one: then it alone names the call. */
  key?: string | undefined;
}

const layers = new Map<string, DynamoDBPersistenceLayer>();

function persistenceFor(config: Config, operation: string): DynamoDBPersistenceLayer {
  const id = `${config.TABLE_NAME}|${operation}`;
  let layer = layers.get(id);
  if (!layer) {
    layer = new DynamoDBPersistenceLayer({
      tableName: config.TABLE_NAME,
      awsSdkV3Client: tableClient(config),
      // The broker's one table: records sit beside agents and jobs under their own partition.
      keyAttr: TABLE_ATTRIBUTES.partition,
      sortKeyAttr: TABLE_ATTRIBUTES.sort,
      staticPkValue: `IDEMPOTENCY#${operation}`,
      expiryAttr: TABLE_ATTRIBUTES.ttl,
    });
    layers.set(id, layer);
  }
  return layer;
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('base64url');
}

/**
 * Runs `work` once for a request and its repeats (AWS Powertools idempotency on the table):
 * the same caller sending the same request again within REPEAT_WINDOW_SECONDS gets the first
 * result back with `repeat: true`, and nothing runs again. A repeat that arrives while the
 * first is still running is a `conflict` (409, try again in a moment); a failed first
 * attempt leaves no record, so its retry runs. With an `Idempotency-Key` the key alone names
 * the call, and reusing it for a different request is a `conflict` too.
 */
export async function once<T extends object>(
  options: OnceOptions,
  work: () => Promise<T>,
): Promise<{ result: T; repeat: boolean }> {
  const caller = sha256(options.caller);
  const input = {
    key: options.key === undefined ? { caller, request: options.request } : { caller, key: options.key },
    payload: options.request,
  };
  const config = new IdempotencyConfig({
    eventKeyJmesPath: 'key',
    payloadValidationJmesPath: 'payload',
    expiresAfterSeconds: REPEAT_WINDOW_SECONDS,
    lambdaContext: options.context,
    responseHook: (response) => ({ ...(response as Record<string, JSONValue>), repeat: true }),
  });
  // Stored as JSON: results are plain data (ids, addresses), never mail bodies or tokens.
  const run = makeIdempotent(async (_: typeof input) => ({ ...(await work()) }) as Record<string, JSONValue>, {
    persistenceStore: persistenceFor(options.config, options.operation),
    config,
  });
  try {
    const result = (await run(input)) as T & { repeat?: boolean };
    const { repeat, ...rest } = result;
    return { result: rest as unknown as T, repeat: repeat === true };
  } catch (error) {
    if (error instanceof IdempotencyAlreadyInProgressError) {
      throw new BrokerError('conflict', 'The same request is already being handled; ask again in a few seconds.', {
        details: { retry_after_seconds: 2 },
      });
    }
    if (error instanceof IdempotencyValidationError) {
      throw new BrokerError('conflict', 'This Idempotency-Key was already used for a different request.');
    }
    throw error;
  }
}
