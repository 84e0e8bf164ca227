import { describe, expect, it } from 'vitest';
import { backoffDelayMs, isRetryableFailure, RETRY_POLICY, type RetryFacts, shouldRetry } from '#lib/gmail/retry';

const failure = (facts: Partial<RetryFacts>): RetryFacts => ({
  method: 'GET',
  retriesSoFar: 0,
  elapsedMs: 100,
  nextDelayMs: 500,
  ...facts,
});

describe('shouldRetry', () => {
  it.each([
    ['429', { status: 429 }],
    ['500', { status: 500 }],
    ['503', { status: 503 }],
    ['403 rateLimitExceeded', { status: 403, reasons: ['rateLimitExceeded'] }],
    ['403 userRateLimitExceeded', { status: 403, reasons: ['userRateLimitExceeded'] }],
    ['a timeout', { code: 'TimeoutError' }],
    ['a connection reset', { code: 'ECONNRESET' }],
  ])('retries a read after %s', (_name, facts) => {
    expect(shouldRetry(failure(facts))).toBe(true);
  });

  it.each([
    ['400', { status: 400 }],
    ['401', { status: 401 }],
    ['404', { status: 404 }],
    ['403 insufficientPermissions', { status: 403, reasons: ['insufficientPermissions'] }],
    ['403 without reason', { status: 403 }],
    ['our own deadline (AbortError)', { code: 'AbortError' }],
  ])('never retries %s', (_name, facts) => {
    expect(shouldRetry(failure(facts))).toBe(false);
  });

  it('never retries a POST (send, modify), whatever the failure', () => {
    for (const status of [429, 500, 503]) expect(shouldRetry(failure({ method: 'POST', status }))).toBe(false);
    expect(shouldRetry(failure({ method: 'POST', code: 'ECONNRESET' }))).toBe(false);
  });

  it(`stops after ${RETRY_POLICY.maxRetries} retries`, () => {
    expect(shouldRetry(failure({ status: 503, retriesSoFar: RETRY_POLICY.maxRetries - 1 }))).toBe(true);
    expect(shouldRetry(failure({ status: 503, retriesSoFar: RETRY_POLICY.maxRetries }))).toBe(false);
  });

  it('starts no retry that could not finish inside the time budget', () => {
    const latest = RETRY_POLICY.budgetMs - RETRY_POLICY.attemptTimeoutMs;
    expect(shouldRetry(failure({ status: 503, elapsedMs: latest - 500, nextDelayMs: 500 }))).toBe(true);
    expect(shouldRetry(failure({ status: 503, elapsedMs: latest - 499, nextDelayMs: 500 }))).toBe(false);
    // A Retry-After longer than the budget allows is not waited for.
    expect(shouldRetry(failure({ status: 429, nextDelayMs: 60_000 }))).toBe(false);
  });

  it('keeps the whole call inside API Gateway’s 30 s with room for the rest of the request', () => {
    expect(RETRY_POLICY.budgetMs).toBeLessThanOrEqual(20_000);
    expect(RETRY_POLICY.attemptTimeoutMs).toBeLessThan(RETRY_POLICY.budgetMs);
  });
});

describe('isRetryableFailure', () => {
  it('looks only at method, status, reason and code', () => {
    expect(isRetryableFailure({ method: 'GET', status: 502 })).toBe(true);
    expect(isRetryableFailure({ method: 'GET', status: 403, reasons: ['dailyLimitExceeded'] })).toBe(false);
  });
});

describe('backoffDelayMs', () => {
  it('grows exponentially with ±50 % jitter', () => {
    expect(backoffDelayMs(1, undefined, () => 0)).toBe(250);
    expect(backoffDelayMs(1, undefined, () => 0.999999)).toBe(750);
    expect(backoffDelayMs(2, undefined, () => 0.5)).toBe(1000);
    expect(backoffDelayMs(3, undefined, () => 0.5)).toBe(2000);
  });

  it('is capped', () => {
    expect(backoffDelayMs(10, undefined, () => 0.999999)).toBe(RETRY_POLICY.maxDelayMs);
  });

  it('waits at least as long as Retry-After asks', () => {
    expect(backoffDelayMs(1, 3, () => 0.5)).toBe(3000);
    expect(backoffDelayMs(3, 0, () => 0.5)).toBe(2000);
  });
});
