import { BrokerError } from '../errors.ts';
import { count, METRIC } from '../metrics.ts';
import { type GoogleErrorFacts, googleErrorFacts, isRateLimit } from './google-error.ts';

/**
 * What the failing call was for, so the error can say what is missing. The scopes a call
 * needs are not named here: they are the operation's (the registry's `scopes`), and
 * `insufficientScope` names them where the operation is known.
 */
export interface GmailErrorContext {
  /** Message for a 404, e.g. `No email with id 18c… found`. */
  notFound?: string | undefined;
}

const SCOPE_REASONS = new Set(['insufficientPermissions', 'ACCESS_TOKEN_SCOPE_INSUFFICIENT']);
// Quotas that do not recover within a retry budget: still "slow down", never retried.
const QUOTA_REASONS = new Set(['dailyLimitExceeded', 'quotaExceeded']);
// The token endpoint's answers that mean "this user's grant is gone: sign in again".
const DEAD_GRANT_ERRORS = new Set(['invalid_grant', 'unauthorized_client']);
const MAX_MESSAGE = 300;

/** Upstream facts kept as the error's cause, for logs: status and reason strings only. */
interface SafeCause {
  upstreamStatus?: number;
  upstreamReasons?: string[];
  upstreamCode?: string;
}

function safeCause(facts: GoogleErrorFacts): SafeCause {
  return {
    ...(facts.status === undefined ? {} : { upstreamStatus: facts.status }),
    ...(facts.reasons.length === 0 ? {} : { upstreamReasons: facts.reasons }),
    ...(facts.oauthError === undefined ? {} : { upstreamReasons: [facts.oauthError] }),
    ...(facts.code === undefined ? {} : { upstreamCode: facts.code }),
  };
}

/** Bearer tokens the failed request carried; removed from any text we pass on. */
function secretsIn(error: unknown): string[] {
  const secrets: string[] = [];
  const collect = (config: unknown) => {
    if (typeof config !== 'object' || config === null) return;
    const headers = (config as { headers?: unknown }).headers;
    let value: string | null | undefined;
    if (headers instanceof Headers) value = headers.get('authorization');
    else if (typeof headers === 'object' && headers !== null) {
      const entry = Object.entries(headers).find(([key]) => key.toLowerCase() === 'authorization');
      value = typeof entry?.[1] === 'string' ? entry[1] : undefined;
    }
    const token = value?.replace(/^Bearer\s+/i, '').trim();
    if (token) secrets.push(token);
  };
  if (typeof error === 'object' && error !== null) {
    collect((error as { config?: unknown }).config);
    collect((error as { response?: { config?: unknown } }).response?.config);
  }
  return secrets;
}

/** Google's own message, shortened and scrubbed of any token (defence in depth). */
function googleMessage(facts: GoogleErrorFacts, secrets: string[], fallback: string): string {
  let text = facts.message?.trim() || fallback;
  for (const secret of secrets) text = text.split(secret).join('[redacted]');
  return text.length > MAX_MESSAGE ? `${text.slice(0, MAX_MESSAGE - 1)}…` : text;
}

/**
 * Google refused a token that lacks a permission: `insufficient_scope`, naming `scopes`
 * (the operation's, from the registry) in the message and in `details.scope`, space
 * separated as RFC 6750's `scope` attribute, so the 403's challenge can name them too.
 * With no scopes it asks to sign in again and grant what is missing.
 */
export function insufficientScope(scopes: readonly string[], cause?: unknown): BrokerError {
  if (scopes.length === 0) {
    return new BrokerError(
      'insufficient_scope',
      'The Google token lacks a permission this needs: sign in again and grant it.',
      {
        cause,
      },
    );
  }
  const scope = scopes.join(' ');
  const named = scopes.length === 1 ? `the scope ${scope}` : `the scopes ${scopes.join(', ')}`;
  return new BrokerError(
    'insufficient_scope',
    `The Google token lacks the permission this needs: grant ${named} and sign in again.`,
    { cause, details: { scope } },
  );
}

/**
 * Maps anything the Gmail client threw to the broker's one error type, once:
 * 401 and a dead refresh grant → `invalid_token`; a 403 for a missing scope →
 * `insufficient_scope` (naming no scope: see `insufficientScope`); 404 → `not_found`; 400 → `invalid_request`
 * with Google's message; 429 or a rate-limit 403 (after retries) → `rate_limited`;
 * 5xx, network failures and timeouts → `upstream_error`.
 *
 * The result never holds the thrown error, a request config (the Authorization header) or a
 * request body: only status and reason strings survive, as the cause, for logs.
 */
export function toBrokerError(error: unknown, context: GmailErrorContext = {}): BrokerError {
  if (error instanceof BrokerError) return error;
  const facts = googleErrorFacts(error);
  const secrets = secretsIn(error);
  const cause = safeCause(facts);
  const { status } = facts;

  if (facts.oauthError !== undefined) {
    // The token endpoint answered a refresh attempt.
    if (DEAD_GRANT_ERRORS.has(facts.oauthError)) {
      return new BrokerError('invalid_token', 'Google refused to refresh the token: sign in with Google again.', {
        cause,
      });
    }
    if (facts.oauthError === 'invalid_client') {
      return new BrokerError('internal', "Google rejected the broker's OAuth client credentials.", { cause });
    }
  }
  if (status === undefined) {
    if (facts.code === 'TimeoutError' || facts.code === 'AbortError') {
      return new BrokerError('upstream_error', 'Gmail did not answer in time; try again.', { cause });
    }
    if (facts.code !== undefined) {
      return new BrokerError('upstream_error', 'Could not reach Gmail; try again.', { cause });
    }
    // Not an HTTP failure at all: a bug of ours, never shown to the caller.
    return new BrokerError('internal', 'Unexpected failure while calling Gmail.', {
      cause: error instanceof Error ? error.name : cause,
    });
  }
  if (status === 401) {
    return new BrokerError(
      'invalid_token',
      'Google rejected the access token (expired or revoked): sign in with Google again.',
      {
        cause,
      },
    );
  }
  if (isRateLimit(facts) || (status === 403 && facts.reasons.some((reason) => QUOTA_REASONS.has(reason)))) {
    return new BrokerError('rate_limited', 'Gmail is rate-limiting this account; wait a minute and try again.', {
      cause,
    });
  }
  if (status === 403 && facts.reasons.some((reason) => SCOPE_REASONS.has(reason))) {
    return insufficientScope([], cause);
  }
  if (status === 403) {
    return new BrokerError('forbidden', googleMessage(facts, secrets, 'Gmail refused this request.'), { cause });
  }
  if (status === 404) {
    return new BrokerError('not_found', context.notFound ?? 'Gmail has no such message or thread.', { cause });
  }
  if (status === 413) {
    return new BrokerError('payload_too_large', 'The message is too large for Gmail.', { cause });
  }
  if (status === 400) {
    return new BrokerError(
      'invalid_request',
      `Gmail refused the request: ${googleMessage(facts, secrets, 'bad request')}`,
      { cause },
    );
  }
  if (status >= 500) {
    return new BrokerError('upstream_error', 'Gmail failed to answer; try again.', { cause });
  }
  return new BrokerError('upstream_error', `Gmail answered with an unexpected status ${status}.`, { cause });
}

/**
 * Runs one Gmail call and maps its failure through {@link toBrokerError}. The one place
 * operations catch Google errors.
 */
export async function gmailCall<T>(context: GmailErrorContext, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    const failure = toBrokerError(error, context);
    // Google's failures only: an error of ours thrown inside the call is not Google's.
    if (!(error instanceof BrokerError)) {
      count(METRIC.googleError);
      if (failure.kind === 'rate_limited') count(METRIC.googleThrottled);
    }
    throw failure;
  }
}

/** Kinds that mean Google is down or slow rather than that it refused this mail. */
const NOT_A_REFUSAL = new Set(['rate_limited', 'upstream_error', 'internal']);

/** Runs a send (a message or a draft) and counts how it went: sent, or refused by Gmail. */
export async function countedSend<T>(send: () => Promise<T>): Promise<T> {
  try {
    const sent = await send();
    count(METRIC.mailSent);
    return sent;
  } catch (error) {
    if (error instanceof BrokerError && !NOT_A_REFUSAL.has(error.kind)) count(METRIC.mailRefused);
    throw error;
  }
}
