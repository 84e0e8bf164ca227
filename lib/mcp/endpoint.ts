import type { ToolRunner } from '../chatgpt/dispatch.ts';
import { BrokerError } from '../errors.ts';
import { HttpResponse } from '../http/response.ts';
import type { WebRequest } from '../http/web-handler.ts';
import { storeFor } from '../jobs/table.ts';
import { describeError, logger } from '../log.ts';
import { GoogleGrantEnded } from '../oauth/google.ts';
import { authenticateMcp, forgetGoogleToken, googleAccessToken, McpTokenRefused } from '../oauth/grant-access.ts';
import { brokerUrls } from '../oauth/urls.ts';
import { handleMcpRequest, restAnswer, restFailure } from './server.ts';

/** The 401 that starts (or restarts) an MCP client's sign-in: where to discover how (RFC 9728 §5.1). */
function challenge(resourceMetadata: string, error?: { code: string; description: string }): HttpResponse {
  const parts = [`resource_metadata="${resourceMetadata}"`];
  if (error) parts.push(`error="${error.code}"`, `error_description="${error.description.replace(/["\\]/g, '')}"`);
  return new HttpResponse(
    401,
    { error: error?.code ?? 'invalid_request', error_description: error?.description ?? 'Sign in first.' },
    { 'WWW-Authenticate': `Bearer ${parts.join(', ')}`, 'Cache-Control': 'no-store' },
  );
}

/**
 * Checks the broker's own access token, then serves MCP with the grant's tools.
 * A tool call runs the same action as the tool's REST handler, with a Google access token
 * got from the grant's sealed refresh token. When Google has ended that refresh token the
 * grant is deleted and the answer is a 401, so the client signs in again instead of looping.
 */
export function mcpEndpoint(runners: ReadonlyMap<string, ToolRunner>) {
  return async (request: WebRequest): Promise<HttpResponse> => {
    const { config, event, context } = request;
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
    let access: Awaited<ReturnType<typeof authenticateMcp>>;
    try {
      access = await authenticateMcp(store, request.header('authorization'), urls.resource);
    } catch (error) {
      if (!(error instanceof McpTokenRefused)) throw error;
      return challenge(
        urls.resourceMetadata,
        error.reason === 'invalid' ? { code: 'invalid_token', description: error.message } : undefined,
      );
    }
    const { grant } = access;
    const granted = new Map([...runners].filter(([name]) => access.token.tools.includes(name)));
    let grantEnded = false;

    const run = async (runner: ToolRunner, args: Record<string, unknown>) => {
      const accessToken = await googleAccessToken(store, config, grant);
      return restAnswer(
        await runner.run({
          body: args,
          rawBody: JSON.stringify(args),
          event,
          context,
          config,
          credentials: { accessToken },
          // MCP has no per-call idempotency key: a send is once per the grant's user and request.
          idempotencyKey: undefined,
          person: grant.userId,
        }),
      );
    };
    const response = await handleMcpRequest(toWebRequest(request), granted, async (runner, args) => {
      const started = Date.now();
      const tool = runner.operation.name;
      try {
        let answer: Awaited<ReturnType<typeof run>>;
        try {
          answer = await run(runner, args);
        } catch (error) {
          if (!(error instanceof BrokerError && error.kind === 'invalid_token')) throw error;
          // Google refused the cached access token (revoked or expired early): Gmail did
          // nothing, so one retry with a freshly refreshed token is safe, and tells a dead
          // grant (invalid_grant) apart from a stale token.
          forgetGoogleToken(grant.grantId);
          answer = await run(runner, args);
        }
        logger.info('tool', { tool, status: answer.status, ms: Date.now() - started });
        return answer;
      } catch (error) {
        if (error instanceof GoogleGrantEnded) grantEnded = true;
        const failure = restFailure(error);
        const attributes = { tool, status: failure.status, ms: Date.now() - started };
        if (failure.status >= 500) logger.error('tool failed', { ...attributes, ...describeError(error) });
        else logger.warn('tool refused', attributes);
        return failure;
      }
    });
    if (grantEnded) {
      return challenge(urls.resourceMetadata, {
        code: 'invalid_token',
        description: 'Google ended the authorization; sign in again.',
      });
    }
    const headers: Record<string, string> = {};
    response.headers.forEach((value, name) => {
      headers[name] = value;
    });
    return new HttpResponse(response.status, await response.text(), headers);
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
