import { isRateLimit } from './google-error.ts';

/**
 * The one retry policy for Gmail calls (applied by `rest/transport.ts`), chosen deliberately:
 * a generic client's default (gaxios': GET/PUT/DELETE on 429/5xx) misses Gmail's rate-limit
 * 403s and has no time budget.
 *
 * - Only reads (GET) are retried: a POST (send, modify) may have taken effect even when the
 *   answer was an error, and a duplicate mail is worse than a failed call.
 * - Retried: 429, 5xx, 403 with a rate-limit reason, and failures without an answer
 *   (timeouts, connection resets). Never 400, 401, 404 or other 403s.
 * - At most 3 retries, jittered exponential backoff (`(0.5 + random) * base * 2^n`, capped),
 *   honouring a longer `Retry-After`.
 * - Each attempt times out after 8 s, and a retry is only started if it can finish inside
 *   20 s from the first attempt, so one Gmail call never holds a request past 20 s and the
 *   whole operation stays inside API Gateway's 30 s.
 */
export const RETRY_POLICY = {
  maxRetries: 3,
  attemptTimeoutMs: 8_000,
  budgetMs: 20_000,
  baseDelayMs: 500,
  maxDelayMs: 4_000,
} as const;

/** What the retry decision looks at; a plain value so the decision is testable alone. */
export interface RetryFacts {
  /** HTTP method of the request, upper case. */
  method: string;
  status?: number | undefined;
  reasons?: readonly string[] | undefined;
  /** Transport code when no answer came (`TimeoutError`, `AbortError`, `ECONNRESET`). */
  code?: string | undefined;
  /** Retries already made for this call (0 after the first attempt failed). */
  retriesSoFar: number;
  /** Time since the first attempt started. */
  elapsedMs: number;
  /** The wait planned before the next attempt. */
  nextDelayMs: number;
}

/** True when this failure is worth another try at all (ignoring counts and time). */
export function isRetryableFailure(facts: Pick<RetryFacts, 'method' | 'status' | 'reasons' | 'code'>): boolean {
  if (facts.method !== 'GET') return false;
  // Our own deadline (the operation's AbortSignal) ended the call: trying again cannot help.
  if (facts.code === 'AbortError') return false;
  const { status } = facts;
  if (status === undefined) return true; // no answer: timeout or network failure
  if (status === 429 || status >= 500) return true;
  return isRateLimit(facts);
}

/**
 * The retry decision: a retryable failure, retries left, and enough budget left for the
 * wait plus one whole attempt.
 */
export function shouldRetry(facts: RetryFacts): boolean {
  if (!isRetryableFailure(facts)) return false;
  if (facts.retriesSoFar >= RETRY_POLICY.maxRetries) return false;
  return facts.elapsedMs + facts.nextDelayMs + RETRY_POLICY.attemptTimeoutMs <= RETRY_POLICY.budgetMs;
}

/**
 * Jittered exponential backoff before retry number `retryNumber` (1 for the first retry),
 * never below a `Retry-After` Google asked for, never above the cap unless Google asked.
 */
export function backoffDelayMs(
  retryNumber: number,
  retryAfterSeconds?: number,
  random: () => number = Math.random,
): number {
  const exponential = RETRY_POLICY.baseDelayMs * 2 ** Math.max(0, retryNumber - 1);
  const jittered = Math.min(RETRY_POLICY.maxDelayMs, Math.round((0.5 + random()) * exponential));
  return retryAfterSeconds === undefined ? jittered : Math.max(jittered, retryAfterSeconds * 1000);
}
