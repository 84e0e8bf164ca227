// The core error class: what both zod and zod/mini schemas throw, without zod's classic API.

import { $ZodError } from 'zod/v4/core';
import type { Deadline } from '../deadline.ts';
import { BrokerError, type ErrorKind, ProtocolError } from '../errors.ts';
import { SERVICE } from '../service.ts';

/** What a failed request answers: status, stable code, caller-safe message and headers. */
export interface HttpFailure {
  status: number;
  code: string;
  message: string;
  details?: unknown;
  headers: Record<string, string>;
  /** False for our own faults: the caller sees a generic message, the log sees the cause. */
  expose: boolean;
}

const STATUS_BY_KIND: Record<ErrorKind, number> = {
  invalid_request: 400,
  invalid_json: 400,
  missing_token: 401,
  invalid_token: 401,
  insufficient_scope: 403,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  too_many_requests: 429,
  not_configured: 503,
  rate_limited: 503,
  upstream_error: 502,
  deadline_exceeded: 504,
  internal: 500,
};

/** A field path as callers write it: `to[1]`, `attachments[0].data`. */
function fieldName(path: ReadonlyArray<PropertyKey>): string {
  return path.reduce<string>((name, key) => {
    if (typeof key === 'number') return `${name}[${key}]`;
    return name ? `${name}.${String(key)}` : String(key);
  }, '');
}

/** Validation issues as a list of `{field, message}` the caller can act on. */
export function validationDetails(error: $ZodError): Array<{ field: string; message: string }> {
  return error.issues.map((issue) => ({ field: fieldName(issue.path) || '(body)', message: issue.message }));
}

function wwwAuthenticate(kind: ErrorKind, details: unknown): Record<string, string> {
  if (kind === 'missing_token') return { 'WWW-Authenticate': `Bearer realm="${SERVICE}"` };
  if (kind === 'invalid_token') {
    return { 'WWW-Authenticate': `Bearer realm="${SERVICE}", error="invalid_token"` };
  }
  if (kind === 'insufficient_scope') {
    const scope = (details as { scope?: unknown } | undefined)?.scope;
    const scopePart = typeof scope === 'string' ? `, scope="${scope}"` : '';
    return { 'WWW-Authenticate': `Bearer realm="${SERVICE}", error="insufficient_scope"${scopePart}` };
  }
  return {};
}

function retryAfter(details: unknown): Record<string, string> {
  const seconds = (details as { retry_after_seconds?: unknown } | undefined)?.retry_after_seconds;
  return typeof seconds === 'number' ? { 'Retry-After': String(seconds) } : {};
}

/** A failure that says only that Google (or the network) took too long or went away. */
function isTimeUp(error: unknown): boolean {
  if (error instanceof BrokerError) return error.kind === 'upstream_error';
  return error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError');
}

/**
 * The failure as the caller should hear it: when the invocation's deadline has passed and
 * the work failed for want of an answer, that is what happened (504), not a Google fault.
 */
export function withinDeadline(error: unknown, deadline: Deadline): unknown {
  if (!deadline.passed || !isTimeUp(error)) return error;
  return new BrokerError(
    'deadline_exceeded',
    'Google did not answer before this request ran out of time, so the work was stopped. Try again, or ask for less.',
    { cause: error },
  );
}

/** Maps any thrown value to the one HTTP error model. The only place statuses are chosen. */
export function toHttpFailure(error: unknown): HttpFailure {
  if (error instanceof $ZodError) {
    return {
      status: 400,
      code: 'invalid_request',
      message: 'The request has invalid fields.',
      details: validationDetails(error),
      headers: {},
      expose: true,
    };
  }
  if (error instanceof BrokerError) {
    const status = STATUS_BY_KIND[error.kind];
    const expose = status < 500 || error.kind !== 'internal';
    return {
      status,
      code: error.kind,
      message: expose ? error.message : 'Internal error.',
      ...(expose && error.details !== undefined ? { details: error.details } : {}),
      headers: {
        ...wwwAuthenticate(error.kind, error.details),
        ...(error.kind === 'rate_limited' ? { 'Retry-After': '30' } : {}),
        ...retryAfter(error.details),
      },
      expose,
    };
  }
  if (error instanceof ProtocolError) {
    return { status: error.status, code: error.code, message: error.description, headers: {}, expose: true };
  }
  return { status: 500, code: 'internal', message: 'Internal error.', headers: {}, expose: false };
}
