import type { GmailClient } from './client.ts';

/**
 * A whole Gmail operation (list + fetches, or lookup + send) must answer inside API
 * Gateway's 30 s. Each call has its own timeout and retry budget (see retry.ts); this is
 * the outer bound across all of an operation's calls.
 */
export const OPERATION_DEADLINE_MS = 25_000;

/**
 * The time each of `rounds` successive rounds of Gmail calls may take (at least 2 s), so
 * that one slow message runs out of its own share, not the whole operation's, and the
 * rounds together fit what the deadline leaves after the first call.
 */
export function deadlineShareMs(rounds: number): number {
  return Math.max(2_000, Math.floor((OPERATION_DEADLINE_MS - 5_000) / Math.max(1, rounds)));
}

/** Per-operation options the HTTP layer may pass to the Gmail operations. */
export interface GmailOperationOptions {
  /**
   * Aborts every Gmail call of the operation. Defaults to {@link deadlineSignal}. A caller
   * passing its own should abort with an `AbortError` reason (as `deadlineSignal` does):
   * an abort with a `TimeoutError` reason looks like a per-attempt timeout and is retried.
   */
  signal?: AbortSignal | undefined;
}

/**
 * A signal that aborts after `ms` with an `AbortError`, which gaxios reports as code
 * `AbortError` and the retry policy never retries. (`AbortSignal.timeout` aborts with a
 * `TimeoutError`, indistinguishable from one attempt timing out.)
 */
export function deadlineSignal(ms: number = OPERATION_DEADLINE_MS): AbortSignal {
  const controller = new AbortController();
  const timer = setTimeout(() => {
    controller.abort(new DOMException(`Gmail did not finish within ${ms} ms`, 'AbortError'));
  }, ms);
  // A finished operation must not keep a Lambda or a test process alive.
  timer.unref();
  return controller.signal;
}

/** The signal that bounds one operation: the caller's own, or a fresh {@link deadlineSignal}. */
export function operationSignal(options: GmailOperationOptions = {}): AbortSignal {
  return options.signal ?? deadlineSignal();
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
