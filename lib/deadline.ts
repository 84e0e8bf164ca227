import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Time kept back from the Lambda's remaining time: the answer still has to be rendered,
 * logged and returned after the work is cut off, or the runtime kills the invocation first.
 */
export const SAFETY_MARGIN_MS = 1_000;

/**
 * API Gateway ends an HTTP integration after 29 s whatever the function's own timeout
 * (docs.aws.amazon.com/apigateway/latest/developerguide/limits.html, "Integration timeout").
 */
export const API_GATEWAY_TIMEOUT_MS = 29_000;

/**
 * Outside any invocation (scripts, unit tests calling lib code directly) work still ends:
 * this long after it asks for the deadline.
 */
export const DEFAULT_DEADLINE_MS = 25_000;

/**
 * A signal that aborts after `ms` (at once when 0) with an `AbortError` reason saying
 * `message`. Not `AbortSignal.timeout`: its `TimeoutError` looks like one attempt timing out,
 * which the Gmail retry policy retries; an `AbortError` it never retries.
 */
export function abortAfter(ms: number, message: string): AbortSignal {
  const controller = new AbortController();
  const abort = () => controller.abort(new DOMException(message, 'AbortError'));
  if (ms <= 0) abort();
  // A finished invocation must not keep a Lambda or a test process alive.
  else setTimeout(abort, ms).unref();
  return controller.signal;
}

/**
 * The absolute time by which an invocation's work must be done. Every outbound call (Gmail,
 * Google's OAuth endpoints) is cut to fit it: its signal aborts at `at` with an `AbortError`
 * reason, which the Gmail retry policy never retries, and its own timeouts are capped by
 * what is left ({@link Deadline.cap}).
 */
export class Deadline {
  #signal: AbortSignal | undefined;

  /** `at` is epoch milliseconds. */
  constructor(readonly at: number) {}

  /** Milliseconds left, never negative. */
  remainingMs(now: number = Date.now()): number {
    return Math.max(0, this.at - now);
  }

  /** True once the deadline has passed. */
  get passed(): boolean {
    return this.remainingMs() === 0;
  }

  /** `ms`, or what is left when that is less (at least 1 ms, as timers need). */
  cap(ms: number): number {
    return Math.max(1, Math.min(ms, this.remainingMs()));
  }

  /** Aborts at the deadline with an `AbortError` ({@link abortAfter}; one shared signal and timer per deadline). */
  get signal(): AbortSignal {
    if (this.#signal) return this.#signal;
    const ms = this.remainingMs();
    this.#signal = abortAfter(ms, `The request's time ran out (deadline after ${ms} ms)`);
    return this.#signal;
  }
}

/** What the Lambda runtime passes each invocation; only its clock matters here. */
export interface RuntimeClock {
  getRemainingTimeInMillis(): number;
}

/**
 * The invocation's deadline: the runtime's remaining time, never more than API Gateway's
 * {@link API_GATEWAY_TIMEOUT_MS} (every function answers through API Gateway, HTTP or
 * WebSocket, and both end an integration at 29 s), less {@link SAFETY_MARGIN_MS}.
 */
export function deadlineOf(context: RuntimeClock, now: number = Date.now()): Deadline {
  // A hand-built context (a script, a test) may lack the clock: then the default applies.
  const remaining =
    typeof context.getRemainingTimeInMillis === 'function' ? context.getRemainingTimeInMillis() : DEFAULT_DEADLINE_MS;
  const limit = Math.min(Number.isFinite(remaining) ? remaining : DEFAULT_DEADLINE_MS, API_GATEWAY_TIMEOUT_MS);
  return new Deadline(now + Math.max(0, limit - SAFETY_MARGIN_MS));
}

const current = new AsyncLocalStorage<Deadline>();

/** Runs `work` with `deadline` as the {@link currentDeadline} of everything it calls. */
export function withDeadline<T>(deadline: Deadline, work: () => Promise<T>): Promise<T> {
  return current.run(deadline, work);
}

/**
 * The deadline of the invocation this code runs in (set once by the request pipeline), so
 * Gmail and OAuth calls deep in lib are cut to fit it without each signature carrying it;
 * outside an invocation, {@link DEFAULT_DEADLINE_MS} from now.
 */
export function currentDeadline(): Deadline {
  return current.getStore() ?? new Deadline(Date.now() + DEFAULT_DEADLINE_MS);
}

/**
 * A signal for one outbound call that may take up to `ms`: its own timeout, cut to what
 * the invocation's deadline leaves, so no call runs past the answer's time.
 */
export function callTimeout(ms: number): AbortSignal {
  return AbortSignal.timeout(currentDeadline().cap(ms));
}
