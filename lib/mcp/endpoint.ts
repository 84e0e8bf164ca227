import type { ToolRunner } from '../catalog/dispatch.ts';
import { BrokerError } from '../errors.ts';
import { restAnswer, restFailure } from '../http/envelope.ts';
import { toHttpFailure, withinDeadline } from '../http/errors.ts';
import { HttpResponse } from '../http/response.ts';
import type { WebRequest } from '../http/web-handler.ts';
import { describeError, logger } from '../log.ts';
import { authenticateMcp, type McpAccess, McpTokenRefused } from '../oauth/grant-access.ts';
import { tokens } from '../oauth/records.ts';
import { brokerUrls } from '../oauth/urls.ts';
import { storeFor } from '../store/table.ts';
import { handleMcpRequest } from './server.ts';

/** A challenge (RFC 6750 §3): 401 to sign in (again), 403 `insufficient_scope` naming the scope to add (step-up). */
function challenge(
  resourceMetadata: string,
  error?: { code: string; description: string; scope?: string },
  status = 401,
): HttpResponse {
  const parts = [`resource_metadata="${resourceMetadata}"`];
  if (error) parts.push(`error="${error.code}"`, `error_description="${error.description.replace(/["\\]/g, '')}"`);
  if (error?.scope) parts.push(`scope="${error.scope}"`);
  return new HttpResponse(
    status,
    { error: error?.code ?? 'invalid_request', error_description: error?.description ?? 'Sign in first.' },
    { 'WWW-Authenticate': `Bearer ${parts.join(', ')}`, 'Cache-Control': 'no-store' },
  );
}

/** The tool a single JSON-RPC `tools/call` names, if the body is one. */
function calledTool(body: string): string | undefined {
  try {
    const message = JSON.parse(body) as { method?: unknown; params?: { name?: unknown } };
    return message.method === 'tools/call' && typeof message.params?.name === 'string'
      ? message.params.name
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Checks the broker's own access token (one table read), then serves MCP: every tool is
 * listed, the grant's tools run, and a call to a tool outside the grant is a 403
 * `insufficient_scope` naming that tool's scope, so the client can step up (SEP-2350).
 * A tool call runs the same action as the tool's REST handler, with the Google access token
 * sealed in the broker token's record: no KMS and no Google token call on this path. When
 * Google refuses that token, the broker token is deleted and the answer is a 401, so the
 * client refreshes (which asks Google again, and ends the grant if Google ended it).
 */
export function mcpEndpoint(runners: ReadonlyMap<string, ToolRunner>) {
  return async (request: WebRequest): Promise<HttpResponse> => {
    const { config, event, context, deadline } = request;
    // Stateless with JSON answers: no standalone SSE stream (GET) and no session to end (DELETE).
    if (event.requestContext.http.method !== 'POST')
      return new HttpResponse(405, { error: 'method_not_allowed', error_description: 'Use POST.' }, { Allow: 'POST' });
    const store = storeFor(config);
    const urls = brokerUrls(config, event);
    // The transport spec's DNS-rebinding rule: a browser's request must come from a known origin.
    const origin = request.header('origin');
    if (origin !== undefined && origin !== new URL(urls.issuer).origin && !config.CORS_ORIGINS.includes(origin))
      return new HttpResponse(403, {
        error: 'forbidden',
        error_description: 'This origin may not call the MCP endpoint.',
      });
    let access: McpAccess;
    try {
      access = await authenticateMcp(store, request.header('authorization'), urls.resource);
    } catch (error) {
      if (!(error instanceof McpTokenRefused)) throw error;
      return challenge(
        urls.resourceMetadata,
        error.reason === 'invalid' ? { code: 'invalid_token', description: error.message } : undefined,
      );
    }
    const granted = (name: string) => access.token.tools.includes(name);
    const tool = calledTool(request.text);
    if (tool !== undefined && runners.has(tool) && !granted(tool)) {
      return challenge(
        urls.resourceMetadata,
        { code: 'insufficient_scope', description: `Calling ${tool} needs the ${tool} scope.`, scope: tool },
        403,
      );
    }
    let googleRefused = false;

    const response = await handleMcpRequest(toWebRequest(request), runners, async (runner, args) => {
      const started = Date.now();
      const name = runner.operation.name;
      try {
        // Also for a call the check above could not see (not a single JSON-RPC request).
        if (!granted(name)) throw new BrokerError('forbidden', `Calling ${name} needs the ${name} scope.`);
        const answer = restAnswer(
          await runner.run({
            body: args,
            rawBody: JSON.stringify(args),
            event,
            context,
            deadline,
            config,
            credentials: { accessToken: access.googleAccessToken },
            // MCP has no per-call idempotency key: a send is once per the grant's user and request.
            idempotencyKey: undefined,
            person: access.token.userId,
          }),
        );
        logger.info('tool', { tool: name, status: answer.status, ms: Date.now() - started });
        return answer;
      } catch (error) {
        if (error instanceof BrokerError && error.kind === 'invalid_token') googleRefused = true;
        // A call cut by the invocation's deadline says so (504), as on the REST path.
        const failure = restFailure(toHttpFailure(withinDeadline(error, deadline)), context.awsRequestId);
        const attributes = { tool: name, status: failure.status, ms: Date.now() - started };
        if (failure.status >= 500) logger.error('tool failed', { ...attributes, ...describeError(error) });
        else logger.warn('tool refused', attributes);
        return failure;
      }
    });
    // The whole answer first: a 2025-era answer is a stream the tool call finishes writing.
    const body = await response.text();
    if (googleRefused) {
      // Gmail did nothing with a refused token. This broker token carries it, so it is done:
      // the client refreshes, and the token endpoint asks Google for a new one.
      await tokens.revokeAccess(store, access.bearer);
      return challenge(urls.resourceMetadata, {
        code: 'invalid_token',
        description: 'Google refused the access; refresh the token or sign in again.',
      });
    }
    const headers: Record<string, string> = {};
    response.headers.forEach((value, name) => {
      headers[name] = value;
    });
    return new HttpResponse(response.status, body, headers);
  };
}

function toWebRequest(request: WebRequest): Request {
  const { event } = request;
  const url = `https://${event.requestContext.domainName}${event.rawPath}${event.rawQueryString ? `?${event.rawQueryString}` : ''}`;
  const headers = new Headers();
  for (const [name, value] of Object.entries(event.headers ?? {})) if (value !== undefined) headers.set(name, value);
  const method = event.requestContext.http.method;
  return new Request(url, {
    method,
    headers,
    ...(method === 'GET' || method === 'HEAD' ? {} : { body: request.text }),
  });
}
