/**
 * The one error the Gmail REST client throws: what Google answered (status, parsed body,
 * headers) or, when no answer came, a transport code. It carries no request headers and no
 * request body, so neither the bearer token nor a refresh token can ride along into a log
 * or an error message. Shaped as `google-error.ts` reads it (`response`, `code`, `config.method`).
 */
export class GmailHttpError extends Error {
  override readonly name = 'GmailHttpError';
  /** Google's answer; undefined when none came. */
  readonly response: { status: number; data: unknown; headers: Headers } | undefined;
  /** Transport code when no answer came: `TimeoutError`, `AbortError`, `ECONNREFUSED`… */
  readonly code: string | undefined;
  /** Only the method: the URL (search terms, ids) and headers (the token) stay out. */
  readonly config: { method: string };

  constructor(
    method: string,
    what: string,
    failure: { response: { status: number; data: unknown; headers: Headers } } | { code: string },
  ) {
    const response = 'response' in failure ? failure.response : undefined;
    super(
      response
        ? `Google answered ${response.status} to ${what}`
        : `${what} failed: ${(failure as { code: string }).code}`,
    );
    this.response = response;
    this.code = 'code' in failure ? failure.code : undefined;
    this.config = { method };
  }

  /** The HTTP status Google answered with, if it answered. */
  get status(): number | undefined {
    return this.response?.status;
  }
}

/**
 * The transport code for a fetch that threw: the caller's abort reason (an `AbortError` is
 * the operation's deadline and is never retried), our per-attempt timeout, or the network
 * error undici reports as the cause (`ECONNRESET`, `ECONNREFUSED`, `UND_ERR_SOCKET`…).
 */
export function transportCode(error: unknown, caller: AbortSignal | undefined, attempt: AbortSignal): string {
  if (caller?.aborted) return abortCode(caller);
  if (attempt.aborted) return 'TimeoutError';
  const cause = error instanceof Error ? (error.cause as { code?: unknown } | undefined) : undefined;
  if (typeof cause?.code === 'string') return cause.code;
  return error instanceof Error && error.name !== 'TypeError' ? error.name : 'NetworkError';
}

/** The name of an aborted signal's reason (`AbortError` for the operation's deadline). */
export function abortCode(signal: AbortSignal): string {
  const reason: unknown = signal.reason;
  return reason instanceof Error && reason.name ? reason.name : 'AbortError';
}
