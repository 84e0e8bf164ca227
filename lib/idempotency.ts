import type { JSONValue } from '@aws-lambda-powertools/commons/types';
import {
  IdempotencyAlreadyInProgressError,
  IdempotencyConfig,
  IdempotencyValidationError,
  makeIdempotent,
} from '@aws-lambda-powertools/idempotency';
import type { Context } from 'aws-lambda';
import type { Config } from './config.ts';
import { BrokerError } from './errors.ts';
import type { GoogleCredentials } from './google/credentials.ts';
import { subjectOf } from './google/identity.ts';
import { TableIdempotencyRecords } from './store/idempotency-records.ts';
import { storeFor } from './store/table.ts';

/**
 * How long the same request counts as a repeat. ChatGPT gives an action 45 s and then may
 * call again; a person who means to send the same mail twice rarely does so this fast.
 */
export const REPEAT_WINDOW_SECONDS = 180;

/** The parts of a request that decide whether it repeats another (a handler's request has them all). */
export interface OnceRequest {
  /** The validated request (without credentials): what makes two calls the same. */
  body: unknown;
  /** The caller's Google token: asked only who it belongs to, when `person` is not given. */
  credentials: GoogleCredentials;
  /**
   * Who sends, when the transport already knows (on /mcp the grant's user): Google's subject
   * id. Without it the token's subject is looked up (lib/google/identity.ts, cached).
   */
  person?: string | undefined;
  config: Config;
  /** The invocation: an interrupted first attempt stops blocking repeats once it has timed out. */
  context: Context;
  /**
   * The client's own `Idempotency-Key` header as it came, when it sent one: checked here,
   * where it is used, so a malformed key fails only a send, never a read. With it, the key
   * and the person alone name the call.
   */
  idempotencyKey?: string | undefined;
}

const layers = new Map<string, TableIdempotencyRecords>();

function persistenceFor(config: Config, operation: string): TableIdempotencyRecords {
  const id = `${config.TABLE_NAME}|${operation}`;
  let layer = layers.get(id);
  if (!layer) {
    // The broker's one table: records sit beside agents and jobs under their own partition.
    layer = new TableIdempotencyRecords(storeFor(config), operation);
    layers.set(id, layer);
  }
  return layer;
}

// Stripe's and the IETF draft's keys are opaque strings; Powertools stores the key hashed, so only the shape is checked.
const IDEMPOTENCY_KEY_SHAPE = /^[\x21-\x7e]{1,255}$/;

/** The client's `Idempotency-Key` (IETF draft-ietf-httpapi-idempotency-key-header), refused unless well formed. */
function checkedKey(value: string | undefined): string | undefined {
  if (value === undefined || IDEMPOTENCY_KEY_SHAPE.test(value)) return value;
  throw new BrokerError('invalid_request', 'The Idempotency-Key header must be 1-255 printable ASCII characters.', {
    details: [{ field: 'Idempotency-Key', message: 'must be 1-255 printable ASCII characters' }],
  });
}

/**
 * Runs `work` once for a request and its repeats (AWS Powertools idempotency on the table):
 * the same person (Google's subject id, never a token: tokens rotate hourly and differ per
 * instance) sending the same request again within REPEAT_WINDOW_SECONDS gets the first
 * result back with `repeat: true`, and nothing runs again. A repeat that arrives while the
 * first is still running is a `conflict` (409, try again in a moment); a failed first
 * attempt leaves no record, so its retry runs. With an `Idempotency-Key` the key alone names
 * the call for that person, and reusing it for a different request is a `conflict` too.
 */
export async function once<T extends object>(
  operation: { name: string },
  request: OnceRequest,
  work: () => Promise<T>,
): Promise<{ result: T; repeat: boolean }> {
  const key = checkedKey(request.idempotencyKey);
  const person = request.person ?? (await subjectOf(request.credentials, request.config));
  const input = {
    key: key === undefined ? { person, request: request.body } : { person, key },
    payload: request.body,
  };
  const config = new IdempotencyConfig({
    eventKeyJmesPath: 'key',
    payloadValidationJmesPath: 'payload',
    expiresAfterSeconds: REPEAT_WINDOW_SECONDS,
    lambdaContext: request.context,
    responseHook: (response) => ({ ...(response as Record<string, JSONValue>), repeat: true }),
  });
  // Stored as JSON: results are plain data (ids, addresses), never mail bodies or tokens.
  const run = makeIdempotent(async (_: typeof input) => ({ ...(await work()) }) as Record<string, JSONValue>, {
    persistenceStore: persistenceFor(request.config, operation.name),
    config,
    // Not Powertools' default (the Lambda's name): a send through /api, /mcp or call_tool is one send.
    keyPrefix: operation.name,
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
