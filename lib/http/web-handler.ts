import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type { Config } from '../config.ts';
import type { Deadline } from '../deadline.ts';
import { ProtocolError } from '../errors.ts';
import type { FunctionSpec } from '../operations.ts';
import type { HttpFailure } from './errors.ts';
import { type Adapter, invoke } from './invocation.ts';
import { bodyText, headerReader } from './request.ts';
import { HttpResponse } from './response.ts';

/** What a web operation (OAuth endpoints, MCP, pages) receives: the raw request, decoded. */
export interface WebRequest {
  event: APIGatewayProxyEventV2;
  /** The invocation (its request id and remaining time). */
  context: Context;
  /** When the work must be done (from the context; Gmail and OAuth calls are cut to fit it). */
  deadline: Deadline;
  config: Config;
  /** The body as text (base64 decoded). */
  text: string;
  /** Form fields of an `application/x-www-form-urlencoded` body, else empty. */
  form: URLSearchParams;
  query: URLSearchParams;
  cookies: ReadonlyMap<string, string>;
  header(name: string): string | undefined;
}

function decode(event: APIGatewayProxyEventV2, context: Context, config: Config, deadline: Deadline): WebRequest {
  const text = bodyText(event);
  const header = headerReader(event.headers);
  const isForm = /^application\/x-www-form-urlencoded/i.test(header('content-type') ?? '');
  const cookies = new Map<string, string>();
  for (const cookie of [...(event.cookies ?? []), ...(header('cookie')?.split(';') ?? [])]) {
    const at = cookie.indexOf('=');
    if (at > 0) cookies.set(cookie.slice(0, at).trim(), cookie.slice(at + 1).trim());
  }
  return {
    event,
    context,
    deadline,
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
 * The renderer of a failure on a web endpoint: a protocol's own error (OAuth) as the
 * endpoint's style says (`json` for machine endpoints, `page` for browser ones); any other
 * as OAuth-style JSON `{error, error_description}`, our own faults as a bare 500 naming the
 * request id (the log line has the cause).
 */
function webFailure(style: 'json' | 'page', failure: HttpFailure, error: unknown, context: Context): HttpResponse {
  if (error instanceof ProtocolError) {
    const answer = error.answer(style);
    return new HttpResponse(answer.status, answer.body, answer.headers);
  }
  if (failure.expose) {
    return new HttpResponse(
      failure.status,
      { error: failure.code, error_description: failure.message },
      failure.headers,
    );
  }
  return new HttpResponse(500, {
    error: 'server_error',
    error_description: `Internal error. Request id: ${context.awsRequestId}`,
  });
}

/**
 * The adapter for operations that speak their own protocol instead of the JSON envelope:
 * the OAuth endpoints (forms, redirects, HTML), the pages and MCP. It decodes the request
 * once and renders the answer; the invocation pipeline (invocation.ts) does the rest.
 */
export function webHandler(
  operation: Pick<FunctionSpec, 'name' | 'secrets'>,
  errors: 'json' | 'page',
  run: (request: WebRequest) => Promise<HttpResponse>,
) {
  const adapter: Adapter<APIGatewayProxyStructuredResultV2> = {
    fail: (failure, error, context) => toResult(webFailure(errors, failure, error, context)),
    status: (answer) => answer.statusCode ?? 200,
  };
  return (event: APIGatewayProxyEventV2, context: Context): Promise<APIGatewayProxyStructuredResultV2> =>
    invoke(operation, context, adapter, async ({ config, deadline }) =>
      toResult(await run(decode(event, context, config, deadline))),
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
