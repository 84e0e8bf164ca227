import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type { Config } from '../config.ts';
import { clearSecrets, describeError, logger } from '../log.ts';
import { flushMetrics } from '../metrics.ts';
import { OAuthError } from '../oauth/errors.ts';
import type { FunctionSpec } from '../operations.ts';
import { configFor } from './api-handler.ts';
import { toHttpFailure } from './errors.ts';
import { HttpResponse } from './response.ts';

/** What a web operation (OAuth endpoints, MCP) receives: the raw request, decoded. */
export interface WebRequest {
  event: APIGatewayProxyEventV2;
  /** The invocation (its request id and remaining time). */
  context: Context;
  config: Config;
  /** The body as text (base64 decoded). */
  text: string;
  /** Form fields of an `application/x-www-form-urlencoded` body, else empty. */
  form: URLSearchParams;
  query: URLSearchParams;
  cookies: ReadonlyMap<string, string>;
  header(name: string): string | undefined;
}

function decode(event: APIGatewayProxyEventV2, context: Context, config: Config): WebRequest {
  const raw = event.body ?? '';
  const text = event.isBase64Encoded ? Buffer.from(raw, 'base64').toString('utf8') : raw;
  const headers = new Map(Object.entries(event.headers ?? {}).map(([name, value]) => [name.toLowerCase(), value]));
  const header = (name: string) => headers.get(name.toLowerCase());
  const isForm = /^application\/x-www-form-urlencoded/i.test(header('content-type') ?? '');
  const cookies = new Map<string, string>();
  for (const cookie of [...(event.cookies ?? []), ...(header('cookie')?.split(';') ?? [])]) {
    const at = cookie.indexOf('=');
    if (at > 0) cookies.set(cookie.slice(0, at).trim(), cookie.slice(at + 1).trim());
  }
  return {
    event,
    context,
    config,
    text,
    form: isForm ? new URLSearchParams(text) : new URLSearchParams(),
    query: new URLSearchParams(event.rawQueryString ?? ''),
    cookies,
    header,
  };
}

function toResult(reply: HttpResponse): APIGatewayProxyStructuredResultV2 {
  const { 'Set-Cookie': cookie, ...headers } = reply.headers;
  const isText = typeof reply.body === 'string';
  return {
    statusCode: reply.status,
    headers: isText || reply.body === undefined ? headers : { 'Content-Type': 'application/json', ...headers },
    ...(cookie ? { cookies: [cookie] } : {}),
    body: reply.body === undefined ? '' : isText ? (reply.body as string) : JSON.stringify(reply.body),
  };
}

/**
 * The handler stack for operations that speak their own protocol instead of the JSON
 * envelope: the OAuth endpoints (forms, redirects, HTML) and MCP. Same logging and
 * secret hygiene as `apiHandler`; an {@link OAuthError} answers as the endpoint's
 * `errors` style says (`json` for machine endpoints, `page` for browser ones), anything
 * else unexpected as a bare 500 whose log line has the cause.
 */
export function webHandler(
  operation: Pick<FunctionSpec, 'name' | 'secrets'>,
  errors: 'json' | 'page',
  run: (request: WebRequest) => Promise<HttpResponse>,
) {
  const core = async (event: APIGatewayProxyEventV2, context: Context): Promise<APIGatewayProxyStructuredResultV2> => {
    const started = Date.now();
    let reply: HttpResponse;
    try {
      reply = await run(decode(event, context, await configFor(operation)));
    } catch (error) {
      if (error instanceof OAuthError) {
        reply = errors === 'page' ? error.toPage() : error.toJson();
        logger.warn('request refused', { operation: operation.name, status: reply.status, code: error.code });
      } else {
        const failure = toHttpFailure(error);
        if (failure.expose) {
          reply = new HttpResponse(
            failure.status,
            { error: failure.code, error_description: failure.message },
            failure.headers,
          );
          logger.warn('request failed', { operation: operation.name, status: failure.status, code: failure.code });
        } else {
          logger.error('request failed', { operation: operation.name, status: 500, ...describeError(error) });
          reply = new HttpResponse(500, {
            error: 'server_error',
            error_description: `Internal error. Request id: ${context.awsRequestId}`,
          });
        }
      }
    } finally {
      clearSecrets();
      flushMetrics();
    }
    logger.info('request', { operation: operation.name, status: reply.status, ms: Date.now() - started });
    return toResult(reply);
  };
  return middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>(core).use(
    injectLambdaContext(logger, { resetKeys: true }),
  );
}

/** A redirect the browser follows (302, never cached). */
export function redirect(location: string, cookie?: string): HttpResponse {
  return new HttpResponse(302, undefined, {
    Location: location,
    'Cache-Control': 'no-store',
    ...(cookie ? { 'Set-Cookie': cookie } : {}),
  });
}
