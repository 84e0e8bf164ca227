import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { type Config, getConfig } from '../config.ts';
import type { Deadline } from '../deadline.ts';
import { BrokerError } from '../errors.ts';
import type { GoogleCredentials } from '../google/credentials.ts';
import { registerSecrets } from '../log.ts';
import type { Operation } from '../operations.ts';
import type * as z from '../zod.ts';
import { googleCredentials, idempotencyKey } from './auth.ts';
import { corsHeaders } from './cors.ts';
import { type RestEnvelope, restAnswer, restFailure } from './envelope.ts';
import { type Adapter, invoke } from './invocation.ts';
import { bodyText, headerReader } from './request.ts';
import type { HttpResponse } from './response.ts';
import { runAction, type SentAnswer } from './run-action.ts';

export { configFor } from './invocation.ts';

/** What an action receives: the validated body and, for Google operations, the caller's token. */
export interface ApiRequest<TBody> {
  body: TBody;
  /** The body exactly as received (agent signatures cover these bytes). */
  rawBody: string;
  event: APIGatewayProxyEventV2;
  config: Config;
  credentials: GoogleCredentials;
  /** The invocation (its request id and remaining time). */
  context: Context;
  /** When the work must be done (from the context; Gmail and OAuth calls are cut to fit it). */
  deadline: Deadline;
  /** The client's `Idempotency-Key` header as sent, when it did (checked by `once()`, which alone uses it). */
  idempotencyKey: string | undefined;
  /**
   * Who calls, when the transport already knows it (on /mcp the grant's user: Google's
   * subject id); otherwise a send looks it up from the token.
   */
  person?: string | undefined;
}

type Run<TBody> = (request: ApiRequest<TBody>) => Promise<object | HttpResponse>;

/**
 * An operation's action (lib/actions/): what its handler, and for a tool the tool runners, run
 * on a valid request (through `runAction`). An operation that sends once answers a SentAnswer.
 */
export type Action<O extends Operation> = (
  request: ApiRequest<O extends Operation<infer S> ? z.output<S> : never>,
) => Promise<O extends { once: true } ? SentAnswer : object | HttpResponse>;

/** The JSON body; an empty one means `{}`. */
function parseBody(text: string): unknown {
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new BrokerError('invalid_json', 'The request body is not valid JSON.');
  }
}

/** GET operations take their input from the path and the query string; the rest from the JSON body. */
function inputOf(operation: Operation, event: APIGatewayProxyEventV2, text: string): unknown {
  if (operation.method !== 'GET') return parseBody(text);
  return { ...event.queryStringParameters, ...event.pathParameters };
}

const NO_CREDENTIALS: GoogleCredentials = Object.freeze({ accessToken: '' });

/** API Gateway's result for a REST envelope: JSON, unless an HttpResponse carries its own text (a page). */
function toResult({ status, body, headers }: RestEnvelope): APIGatewayProxyStructuredResultV2 {
  if (typeof body === 'string') return { statusCode: status, headers, body };
  return {
    statusCode: status,
    headers: { 'Content-Type': 'application/json; charset=utf-8', ...headers },
    body: JSON.stringify(body),
  };
}

/** The origins CORS allows; none when the configuration is unreadable (that request already answered 500). */
function allowedOrigins(): readonly string[] {
  try {
    return getConfig().CORS_ORIGINS;
  } catch {
    return [];
  }
}

const REST: Adapter<APIGatewayProxyStructuredResultV2> = {
  fail: (failure, _error, context) => toResult(restFailure(failure, context.awsRequestId)),
  status: (answer) => answer.statusCode ?? 200,
};

/**
 * The REST adapter: decodes the body once, takes the caller's Google token, validates the
 * input with the operation's schema, runs the action in the invocation pipeline
 * (invocation.ts) and renders its answer or failure as the JSON envelope, with the CORS
 * headers for an allowed origin. A handler supplies only its operation and its action.
 */
export function apiHandler<S extends z.ZodMiniType>(operation: Operation<S>, run: Run<z.output<S>>) {
  return async (event: APIGatewayProxyEventV2, context: Context): Promise<APIGatewayProxyStructuredResultV2> => {
    const answer = await invoke(operation, context, REST, async ({ config, deadline }) => {
      const text = bodyText(event);
      const input = inputOf(operation, event, text);
      const credentials =
        operation.auth === 'google'
          ? googleCredentials(event, operation.method === 'GET' ? undefined : input)
          : NO_CREDENTIALS;
      registerSecrets(credentials.accessToken, credentials.refreshToken);
      const body = operation.request ? operation.request.parse(input) : (input as z.output<S>);
      return toResult(
        restAnswer(
          await runAction(operation, run, {
            body,
            rawBody: text,
            event,
            config,
            credentials,
            context,
            deadline,
            idempotencyKey: idempotencyKey(event),
          }),
        ),
      );
    });
    const cors = corsHeaders(headerReader(event.headers)('origin'), allowedOrigins());
    return { ...answer, headers: { ...cors, ...answer.headers } };
  };
}
