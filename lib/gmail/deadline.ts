import { abortAfter, currentDeadline } from '../deadline.ts';
import type { GmailClient } from './client.ts';

/** The least time one round of Gmail calls is given, when the deadline leaves that much. */
const MIN_SHARE_MS = 2_000;

/**
 * The part of what is left that rounds of calls may use: the rest (a fifth) stays for the
 * answer, so a message that runs out of its share is reported in the page (`body_error`)
 * before the invocation's deadline would fail the whole page.
 */
const USABLE_FRACTION = 0.8;

/**
 * The time each of `rounds` successive rounds of Gmail calls may take, from what the
 * invocation's deadline leaves now (at least 2 s, or all that is usable when less), so
 * that one slow message runs out of its own share, not the whole operation's.
 */
export function deadlineShareMs(rounds: number): number {
  const usable = Math.floor(currentDeadline().remainingMs() * USABLE_FRACTION);
  return Math.max(Math.min(MIN_SHARE_MS, usable), Math.floor(usable / Math.max(1, rounds)));
}

/** Per-operation options the HTTP layer may pass to the Gmail operations. */
export interface GmailOperationOptions {
  /**
   * Aborts every Gmail call of the operation. Defaults to the invocation's deadline
   * (lib/deadline.ts). A caller passing its own should abort with an `AbortError` reason (as
   * {@link deadlineSignal} does): an abort with a `TimeoutError` reason looks like a
   * per-attempt timeout and is retried.
   */
  signal?: AbortSignal | undefined;
}

/** A signal that ends a share of Gmail work after `ms` with an `AbortError`, which the retry policy never retries. */
export function deadlineSignal(ms: number): AbortSignal {
  return abortAfter(ms, `Gmail did not finish within ${ms} ms`);
}

/** The signal that bounds one operation: the caller's own, or the invocation's deadline. */
export function operationSignal(options: GmailOperationOptions = {}): AbortSignal {
  return options.signal ?? currentDeadline().signal;
}

/** A Gmail operation as its handler calls it: the user's client, the request, and optional options. */
export type GmailOperation<Request, Result> = (
  gmail: GmailClient,
  request: Request,
  options?: GmailOperationOptions,
) => Promise<Result>;

/**
 * Declares a Gmail operation. `run` is handed the operation's signal ({@link operationSignal})
 * to pass to each of its Gmail calls, so the deadline is settled here once for every operation.
 * Mark each declaration with esbuild's `@__PURE__` comment: esbuild keeps any other top-level
 * call, so a function importing one operation of a module would bundle them all (delete_draft
 * grew from 188 to 218 KB with htmlparser2 and entities it never runs).
 */
export function gmailOperation<Request, Result>(
  run: (gmail: GmailClient, request: Request, signal: AbortSignal) => Promise<Result>,
): GmailOperation<Request, Result> {
  return (gmail, request, options) => run(gmail, request, operationSignal(options));
}
