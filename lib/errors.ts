/**
 * The broker's one error type. Domain code (Gmail, jobs, agents) throws these with a
 * stable `kind`; `lib/http` alone decides which HTTP status each kind becomes, so
 * nothing below the HTTP layer knows about status codes.
 */
export type ErrorKind =
  /** The caller's input is wrong in a way they can fix (400). */
  | 'invalid_request'
  /** The request body is not JSON at all (400). */
  | 'invalid_json'
  /** No usable credentials came with the request (401). */
  | 'missing_token'
  /** Google (or our own signature check) rejected the credentials (401). */
  | 'invalid_token'
  /** The token is valid but lacks a scope the operation needs (403). */
  | 'insufficient_scope'
  /** The caller may not do this (403). */
  | 'forbidden'
  /** The thing asked for does not exist (404). */
  | 'not_found'
  /** The request conflicts with current state, e.g. no paired agent (409). */
  | 'conflict'
  /** Too many attempts in a short time; `details.retry_after_seconds` says when to try again (429). */
  | 'too_many_requests'
  /** The request is too large (413). */
  | 'payload_too_large'
  /** The broker lacks configuration this operation needs; the operator can fix it (503). */
  | 'not_configured'
  /** Google asked us to slow down and retries ran out (429 is not ours: 503). */
  | 'rate_limited'
  /** Google failed or could not be reached (502). */
  | 'upstream_error'
  /** The invocation's time (its deadline, from the Lambda context) ran out before the work was done (504). */
  | 'deadline_exceeded'
  /** Our own fault (500, never exposed). */
  | 'internal';

export interface BrokerErrorOptions {
  /** Structured, caller-safe details (e.g. validation issues, the missing scope). */
  details?: unknown;
  cause?: unknown;
}

export class BrokerError extends Error {
  readonly kind: ErrorKind;
  readonly details: unknown;

  constructor(kind: ErrorKind, message: string, options: BrokerErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'BrokerError';
    this.kind = kind;
    this.details = options.details;
  }
}

export function isBrokerError(error: unknown): error is BrokerError {
  return error instanceof BrokerError;
}

/** What a {@link ProtocolError} answers: a status, a body (JSON value or text) and headers. */
export interface ProtocolAnswer {
  readonly status: number;
  readonly body: unknown;
  readonly headers: Record<string, string>;
}

/**
 * An error whose protocol fixes its own answer (OAuth's `{error, error_description}`, RFC
 * 6749 §5.2), rendered as the endpoint's style asks: JSON for machine endpoints, a page for
 * browser ones. The web adapter renders it without knowing which protocol it is.
 */
export abstract class ProtocolError extends Error {
  abstract readonly code: string;
  abstract readonly status: number;
  /** What went wrong, for the caller (never a secret). */
  abstract readonly description: string;
  abstract answer(style: 'json' | 'page'): ProtocolAnswer;
}
