import { performance } from 'node:perf_hooks';
import type { QueryObject } from './http.ts';

/**
 * What tests and benchmarks use to shape and observe Google-bound traffic: a log of
 * requests with high-resolution timings (to measure concurrency and latency), an added
 * delay, and one-shot faults. Control requests are never subject to any of these.
 */

export interface RecordedRequest {
  method: string;
  path: string;
  /** Query parameters, without any that carry credentials. */
  query: QueryObject;
  /** Milliseconds since the epoch, sub-millisecond precision. */
  startedAt: number;
  endedAt: number;
  status: number;
  /** Bytes of the response body sent (what a client downloads). */
  responseBytes: number;
}

export interface FaultRule {
  /** HTTP method to match (any when omitted). */
  method?: string | undefined;
  /** Regular expression source matched against the request path. */
  pathPattern: string;
  status: number;
  /** Response body (JSON, or a string sent as-is); Google's shape for the status when omitted. */
  body?: unknown;
  /** How many matching requests fail before the rule is spent (default 1). */
  times?: number | undefined;
  headers?: Record<string, string> | undefined;
}

interface ActiveFault {
  rule: FaultRule;
  pattern: RegExp;
  remaining: number;
}

/** Query parameters that carry secrets and must never reach the log. */
const SECRET_PARAMS = new Set(['access_token', 'token', 'refresh_token', 'client_secret', 'key', 'id_token']);

/** Wall-clock milliseconds with the monotonic clock's precision. */
export const highResNow = (): number => performance.timeOrigin + performance.now();

/** A delay added to Gmail and OAuth answers: to those whose path matches `pattern`, or all when it is null. */
export interface Latency {
  ms: number;
  pattern: RegExp | null;
}

export class Traffic {
  private log: RecordedRequest[] = [];
  private faults: ActiveFault[] = [];
  latency: Latency = { ms: 0, pattern: null };

  record(entry: RecordedRequest): void {
    const query = Object.fromEntries(
      Object.entries(entry.query).filter(([key]) => !SECRET_PARAMS.has(key.toLowerCase())),
    );
    this.log.push({ ...entry, query });
  }

  requests(): RecordedRequest[] {
    return [...this.log];
  }

  clearRequests(): void {
    this.log = [];
  }

  /** Delays answers by `ms` (0 turns it off): only to paths matching `pathPattern` when given. */
  setLatency(ms: number, pathPattern?: string): void {
    this.latency = { ms, pattern: pathPattern === undefined ? null : new RegExp(pathPattern) };
  }

  /** The delay before answering a request to `path`. */
  latencyFor(path: string): number {
    const { ms, pattern } = this.latency;
    return pattern === null || pattern.test(path) ? ms : 0;
  }

  addFault(rule: FaultRule): void {
    this.faults.push({ rule, pattern: new RegExp(rule.pathPattern), remaining: rule.times ?? 1 });
  }

  /** Disarms every fault not yet spent. */
  clearFaults(): void {
    this.faults = [];
  }

  /** The first armed fault matching this request, spending one of its uses. */
  takeFault(method: string, path: string): FaultRule | undefined {
    const fault = this.faults.find(
      ({ rule, pattern, remaining }) =>
        remaining > 0 && (rule.method === undefined || rule.method.toUpperCase() === method) && pattern.test(path),
    );
    if (fault === undefined) return undefined;
    fault.remaining -= 1;
    this.faults = this.faults.filter(({ remaining }) => remaining > 0);
    return fault.rule;
  }

  reset(): void {
    this.log = [];
    this.faults = [];
    this.setLatency(0);
  }
}
