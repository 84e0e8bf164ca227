import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import httpCors from '@middy/http-cors';
import httpJsonBodyParser from '@middy/http-json-body-parser';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { type Config, getConfig } from '../config.ts';
import type { GoogleCredentials } from '../google/credentials.ts';
import { clearSecrets, describeError, logger, registerSecrets } from '../log.ts';
import { flushMetrics } from '../metrics.ts';
import type { FunctionSpec, Operation } from '../operations.ts';
import { readSecret } from '../secrets.ts';
import type * as z from '../zod.ts';
import { googleCredentials, idempotencyKey } from './auth.ts';
import { CORS } from './cors.ts';
import { toHttpFailure } from './errors.ts';
import { HttpResponse } from './response.ts';

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
  /** The client's `Idempotency-Key` header as sent, when it did (checked by `once()`, which alone uses it). */
  idempotencyKey: string | undefined;
  /**
   * Who calls, when the transport already knows it (on /mcp the grant's user: Google's
   * subject id); otherwise a send looks it up from the token.
   */
  person?: string | undefined;
}

type Run<TBody> = (request: ApiRequest<TBody>) => Promise<object | HttpResponse>;

/** An operation's action (lib/actions/): what its handler, and for a tool the tool runners, run on a valid request. */
export type Action<O extends Operation> = Run<O extends Operation<infer S> ? z.output<S> : never>;

/** The configuration, with the Google client secret from SSM for the functions whose registry entry names it. */
export async function configFor(spec: Pick<FunctionSpec, 'secrets'>): Promise<Config> {
  const config = getConfig();
  if (!spec.secrets.includes('google_client_secret')) return config;
  const secret = await readSecret(config, 'google_client_secret');
  return secret ? { ...config, GOOGLE_CLIENT_SECRET: secret } : config;
}

/** GET operations take their input from the path and the query string; the rest from the JSON body. */
function inputOf(operation: Operation, event: Event): unknown {
  if (operation.method !== 'GET') return event.body;
  return { ...event.queryStringParameters, ...event.pathParameters };
}

type Event = Omit<APIGatewayProxyEventV2, 'body'> & { body: unknown; rawBody?: string };

const NO_CREDENTIALS: GoogleCredentials = Object.freeze({ accessToken: '' });

/** Keeps the raw body for signature checks, and lets an empty body mean `{}`. */
const rawBodyMiddleware: middy.MiddlewareObj<Event> = {
  before: ({ event }) => {
    const raw = typeof event.body === 'string' ? event.body : '';
    const text = event.isBase64Encoded ? Buffer.from(raw, 'base64').toString('utf8') : raw;
    event.rawBody = text;
    if (text.trim() === '') {
      event.body = '{}';
      event.isBase64Encoded = false;
    }
  },
};

function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}) {
  return {
    statusCode: status,
    headers: { 'Content-Type': 'application/json; charset=utf-8', ...headers },
    body: JSON.stringify(body),
  } satisfies APIGatewayProxyStructuredResultV2;
}

/** Turns a handler's answer into the HTTP response, wrapping plain objects in the success envelope. */
function toResponse(result: object | HttpResponse): APIGatewayProxyStructuredResultV2 {
  if (result instanceof HttpResponse) {
    if (typeof result.body === 'string') {
      return { statusCode: result.status, headers: result.headers, body: result.body };
    }
    return jsonResponse(result.status, result.body, result.headers);
  }
  return jsonResponse(200, { success: true, ...result });
}

/**
 * The one middy stack every HTTP handler uses: request-id logging, CORS, JSON body
 * parsing, the caller's Google token, zod validation, and the single error model. A
 * handler supplies only its operation and what to do with a valid request.
 */
export function apiHandler<S extends z.ZodMiniType>(operation: Operation<S>, run: Run<z.output<S>>) {
  const core = async (event: Event, context: Context): Promise<APIGatewayProxyStructuredResultV2> => {
    const started = Date.now();
    try {
      const config = await configFor(operation);
      const credentials =
        operation.auth === 'google' ? googleCredentials(event as APIGatewayProxyEventV2, event.body) : NO_CREDENTIALS;
      registerSecrets(credentials.accessToken, credentials.refreshToken);
      const input = inputOf(operation, event);
      const body = operation.request ? operation.request.parse(input) : (input as z.output<S>);
      const result = await run({
        body,
        rawBody: event.rawBody ?? '',
        event: event as APIGatewayProxyEventV2,
        config,
        credentials,
        context,
        idempotencyKey: idempotencyKey(event as APIGatewayProxyEventV2),
      });
      const response = toResponse(result);
      logger.info('request', { operation: operation.name, status: response.statusCode, ms: Date.now() - started });
      return response;
    } catch (error) {
      return failureResponse(error, operation.name, context, started);
    } finally {
      clearSecrets();
      flushMetrics();
    }
  };

  return middy<Event, APIGatewayProxyStructuredResultV2>(core)
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(
      httpCors({
        getOrigin: (incoming) => (incoming && getConfig().CORS_ORIGINS.includes(incoming) ? incoming : null),
        headers: CORS.headers.join(', '),
        methods: CORS.methods.join(', '),
        maxAge: CORS.maxAgeSeconds,
      }),
    )
    .use({
      onError: (request) => {
        // Only middy's own middlewares (body parsing) reach here; the core catches its own.
        request.response = failureResponse(request.error, operation.name, request.context, Date.now());
      },
    })
    .use(rawBodyMiddleware)
    .use(httpJsonBodyParser({ disableContentTypeCheck: true }));
}

function failureResponse(error: unknown, name: string, context: Context, started: number) {
  const failure = toHttpFailure(error);
  const attributes = { operation: name, status: failure.status, code: failure.code, ms: Date.now() - started };
  if (failure.expose) logger.warn('request failed', attributes);
  else logger.error('request failed', { ...attributes, ...describeError(error) });
  const message = failure.expose ? failure.message : `${failure.message} Request id: ${context.awsRequestId}`;
  return jsonResponse(
    failure.status,
    {
      success: false,
      error: { code: failure.code, message, ...(failure.details !== undefined ? { details: failure.details } : {}) },
    },
    failure.headers,
  );
}
