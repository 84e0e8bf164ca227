import { Logger } from '@aws-lambda-powertools/logger';
import { SERVICE } from './service.ts';

/**
 * The broker's structured logger. Log lines carry ids, routes, statuses and error codes,
 * never request bodies, mail content or tokens. Error text is the one place a secret could
 * slip in (an upstream message quoting a request), so `describeError` replaces every
 * string the request registered as secret (its tokens) before the line is written.
 */
export const logger = new Logger({ serviceName: SERVICE });

const secrets = new Set<string>();

/** Marks values (e.g. the caller's access token) that must never reach a log line. */
export function registerSecrets(...values: Array<string | null | undefined>): void {
  for (const value of values) if (value && value.length >= 8) secrets.add(value);
}

/** Forgets the current request's secrets; called when a request ends. */
export function clearSecrets(): void {
  secrets.clear();
}

/** Replaces every registered secret in `text` with `[redacted]`. */
export function redact(text: string): string {
  let out = text;
  for (const secret of secrets) out = out.split(secret).join('[redacted]');
  return out;
}

/** Logs a caught error by name, code and redacted message, without its cause chain
 * (causes from HTTP clients carry request configs, which hold the Authorization header). */
export function describeError(error: unknown): Record<string, string> {
  if (!(error instanceof Error)) return { errorType: typeof error };
  return {
    errorName: error.name,
    errorMessage: redact(error.message).slice(0, 500),
    ...(error.stack ? { stack: redact(error.stack).split('\n').slice(0, 6).join('\n') } : {}),
  };
}
