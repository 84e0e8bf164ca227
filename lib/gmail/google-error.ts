/**
 * Reads the few caller-safe facts out of whatever a Google call threw: our client's
 * `GmailHttpError` (rest/http-error.ts), or an error shaped like gaxios' (which carries the
 * whole request config: headers with the bearer token, the body with a refresh token).
 * Everything downstream (retry decisions, error mapping, logs) works from this copy, so
 * nothing secret can travel further by accident.
 */
export interface GoogleErrorFacts {
  /** HTTP status Google answered with; undefined when no answer came (network, timeout). */
  status: number | undefined;
  /** Machine reasons: `errors[].reason` and `details[].reason` (e.g. `rateLimitExceeded`). */
  reasons: string[];
  /** Google's human message (`error.message`), when it sent one. */
  message: string | undefined;
  /** The OAuth token endpoint's `error` string (e.g. `invalid_grant`), when it answered. */
  oauthError: string | undefined;
  /** Transport code for failures without an answer: `TimeoutError`, `AbortError`, `ECONNRESET`… */
  code: string | undefined;
  /** Seconds from a `Retry-After` header, when Google sent one. */
  retryAfterSeconds: number | undefined;
  /** The request's HTTP method, upper case. */
  method: string | undefined;
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null;
}

function stringField(value: unknown, key: string): string | undefined {
  if (!isObject(value)) return undefined;
  const field = value[key];
  return typeof field === 'string' ? field : undefined;
}

function reasonsIn(error: Json): string[] {
  const reasons: string[] = [];
  for (const list of [error.errors, error.details]) {
    if (!Array.isArray(list)) continue;
    for (const entry of list) {
      const reason = stringField(entry, 'reason');
      if (reason) reasons.push(reason);
    }
  }
  return reasons;
}

function headerValue(headers: unknown, name: string): string | undefined {
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  if (isObject(headers)) {
    const found = Object.entries(headers).find(([key]) => key.toLowerCase() === name);
    return typeof found?.[1] === 'string' ? found[1] : undefined;
  }
  return undefined;
}

/** Extracts status, reasons and messages from a `GmailHttpError` or a gaxios-shaped error. */
export function googleErrorFacts(error: unknown): GoogleErrorFacts {
  const facts: GoogleErrorFacts = {
    status: undefined,
    reasons: [],
    message: undefined,
    oauthError: undefined,
    code: undefined,
    retryAfterSeconds: undefined,
    method: undefined,
  };
  if (!isObject(error)) return facts;

  const response = isObject(error.response) ? error.response : undefined;
  const status = response?.status ?? error.status;
  if (typeof status === 'number') facts.status = status;
  if (typeof error.code === 'string') facts.code = error.code;
  const method = stringField(error.config, 'method');
  if (method) facts.method = method.toUpperCase();

  const data = response?.data;
  const body = isObject(data) ? data.error : undefined;
  if (isObject(body)) {
    // Gmail's JSON error: {error: {code, message, errors: [{reason}], status, details}}
    facts.reasons = reasonsIn(body);
    facts.message = stringField(body, 'message');
  } else if (typeof body === 'string') {
    // The OAuth token endpoint's error: {error: "invalid_grant", error_description}
    facts.oauthError = body;
    facts.message = stringField(data, 'error_description');
  }

  const retryAfter = Number(headerValue(response?.headers, 'retry-after'));
  if (Number.isFinite(retryAfter) && retryAfter >= 0) facts.retryAfterSeconds = retryAfter;
  return facts;
}

/** Reasons Google gives when it wants the caller to slow down. */
export const RATE_LIMIT_REASONS: ReadonlySet<string> = new Set([
  'rateLimitExceeded',
  'userRateLimitExceeded',
  'RATE_LIMIT_EXCEEDED',
]);

/** True for a 429, or a 403 whose reason says "rate limit" (Gmail uses both). */
export function isRateLimit(facts: { status?: number | undefined; reasons?: readonly string[] | undefined }): boolean {
  if (facts.status === 429) return true;
  return facts.status === 403 && (facts.reasons ?? []).some((reason) => RATE_LIMIT_REASONS.has(reason));
}
