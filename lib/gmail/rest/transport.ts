import { setTimeout as sleep } from 'node:timers/promises';
import { SERVICE } from '../../service.ts';
import { googleErrorFacts } from '../google-error.ts';
import { backoffDelayMs, RETRY_POLICY, shouldRetry } from '../retry.ts';
import { readData } from './answer.ts';
import type { EncodedBody } from './encode.ts';
import { abortCode, GmailHttpError, transportCode } from './http-error.ts';
import { type RefreshGrant, refreshAccessToken } from './token.ts';

/** Per-call options, as the call sites pass them. */
export interface CallOptions {
  /** Aborts the call, retries and waits included (the operation's deadline). */
  signal?: AbortSignal | undefined;
  /** Time for one attempt; {@link RETRY_POLICY}'s `attemptTimeoutMs` when not given. */
  timeout?: number | undefined;
}

/**
 * One signed-in user's connection to Gmail: where, with which token, and how to refresh
 * it. Shared by every call of one client, so one refresh serves calls running at once.
 */
export interface GmailSession {
  /** `config.GMAIL_API_URL`, ending in `/`. */
  rootUrl: string;
  accessToken: string;
  /** Present only when a refresh is possible (refresh token AND client credentials). */
  refresh: RefreshGrant | undefined;
  refreshing?: Promise<string> | undefined;
}

/** One Gmail HTTP call. */
export interface GmailRequest {
  method: 'GET' | 'POST' | 'DELETE';
  /** Path and query under the root URL, e.g. `gmail/v1/users/me/messages?q=…`. */
  path: string;
  body?: EncodedBody | undefined;
  /** The call's name for error messages (`GET users.messages.get`): no ids, no query. */
  what: string;
}

/**
 * Asks for gzip answers the way Google's performance guide says it serves them: an
 * `Accept-Encoding: gzip` header AND a user agent containing "gzip"
 * (https://developers.google.com/workspace/gmail/api/guides/performance#gzip). fetch
 * decompresses them.
 */
const COMPRESSED = { 'accept-encoding': 'gzip', 'user-agent': `${SERVICE} (gzip)` } as const;

/** A new access token, one refresh at a time per session. */
function refreshed(session: GmailSession, grant: RefreshGrant, signal: AbortSignal | undefined): Promise<string> {
  session.refreshing ??= refreshAccessToken(grant, RETRY_POLICY.attemptTimeoutMs, signal)
    .then((token) => {
      session.accessToken = token;
      return token;
    })
    .finally(() => {
      session.refreshing = undefined;
    });
  return session.refreshing;
}

async function attempt(session: GmailSession, request: GmailRequest, options: CallOptions): Promise<unknown> {
  const timeout = AbortSignal.timeout(options.timeout ?? RETRY_POLICY.attemptTimeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  let response: Response;
  let data: unknown;
  try {
    response = await fetch(`${session.rootUrl}${request.path}`, {
      method: request.method,
      headers: {
        authorization: `Bearer ${session.accessToken}`,
        ...COMPRESSED,
        ...(request.body ? { 'content-type': request.body.contentType } : {}),
      },
      ...(request.body ? { body: request.body.body } : {}),
      signal,
    });
    data = await readData(response);
  } catch (error) {
    throw new GmailHttpError(request.method, request.what, { code: transportCode(error, options.signal, timeout) });
  }
  if (!response.ok) {
    throw new GmailHttpError(request.method, request.what, {
      response: { status: response.status, data, headers: response.headers },
    });
  }
  return data;
}

/**
 * Sends one Gmail call under the policy of `retry.ts`: reads retried on 429, 5xx, rate-limit
 * 403s and failures without an answer, with backoff, inside the budget counted from the
 * first attempt; POSTs never retried; an abort of the caller's signal ends it at once. A
 * 401 is answered by one token refresh and one more attempt, when the session can refresh
 * (the same for a POST: Google rejected the token, so the call did not happen).
 */
export async function gmailFetch(session: GmailSession, request: GmailRequest, options: CallOptions): Promise<unknown> {
  const started = Date.now();
  let retries = 0;
  let refreshedOnce = false;
  for (;;) {
    const token = session.accessToken;
    try {
      return await attempt(session, request, options);
    } catch (error) {
      if (!(error instanceof GmailHttpError)) throw error;
      if (error.status === 401 && session.refresh && !refreshedOnce) {
        refreshedOnce = true;
        // Another call of this client may have refreshed meanwhile: use its token.
        if (session.accessToken === token) await refreshed(session, session.refresh, options.signal);
        continue;
      }
      const facts = googleErrorFacts(error);
      const nextDelayMs = backoffDelayMs(retries + 1, facts.retryAfterSeconds);
      const retry = shouldRetry({
        method: request.method,
        status: facts.status,
        reasons: facts.reasons,
        code: facts.code,
        retriesSoFar: retries,
        elapsedMs: Date.now() - started,
        nextDelayMs,
      });
      if (!retry) throw error;
      retries += 1;
      try {
        await sleep(nextDelayMs, undefined, options.signal ? { signal: options.signal } : {});
      } catch {
        // Only an abort of the caller's signal ends the wait early.
        throw new GmailHttpError(request.method, request.what, { code: abortCode(options.signal as AbortSignal) });
      }
    }
  }
}
