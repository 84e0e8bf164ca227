import type { KeyObject } from 'node:crypto';
import {
  AGENT_PATHS,
  AGENT_PROGRAM,
  PollResponse,
  type RegisterRequest,
  RegisterResponse,
  type ResultRequest,
  ResultResponse,
} from '#lib/agent-wire/protocol';
import { signRequest } from '#lib/agent-wire/signing';
import type * as z from '#lib/zod';

/**
 * The agent's HTTP client for the broker (fetch-based). Every request after registration
 * is signed with the agent's key over the exact JSON body sent.
 */

export type FetchPort = (url: string, init: RequestInit) => Promise<Response>;

export interface AgentIdentity {
  agentId: string;
  privateKey: string | KeyObject;
}

export interface BrokerClientOptions {
  /** e.g. `https://abc.execute-api.eu-west-1.amazonaws.com` (a path prefix is kept). */
  baseUrl: string;
  fetch?: FetchPort;
  now?: () => number;
  /** Timeout of register and result calls. */
  requestTimeoutMs?: number;
  /** Timeout of a poll (the broker answers polls at once). */
  pollTimeoutMs?: number;
  userAgent?: string;
  /** Every answer's `Date` header, with the local time it arrived (to notice a skewed clock). */
  onServerTime?: (serverTime: number, localTime: number) => void;
}

/** The broker answered with a non-2xx status. */
export class BrokerHttpError extends Error {
  readonly status: number;
  readonly code: string | undefined;
  /** `error.details.reason` of the broker's answer, e.g. `unknown_agent` or `stale_timestamp`. */
  readonly reason: string | undefined;
  /** The broker's clock (its `Date` header), to tell a skewed local clock from an unknown agent. */
  readonly serverDate: number | undefined;

  constructor(
    status: number,
    details: { code?: string; reason?: string },
    message: string,
    serverDate: number | undefined,
  ) {
    super(message);
    this.name = 'BrokerHttpError';
    this.status = status;
    this.code = details.code;
    this.reason = details.reason;
    this.serverDate = serverDate;
  }
}

/** The broker answered 2xx with a body that is not what the protocol says. */
export class BrokerProtocolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BrokerProtocolError';
  }
}

export class BrokerClient {
  readonly #base: string;
  readonly #fetch: FetchPort;
  readonly #now: () => number;
  readonly #requestTimeoutMs: number;
  readonly #pollTimeoutMs: number;
  readonly #userAgent: string;
  readonly #onServerTime: ((serverTime: number, localTime: number) => void) | undefined;

  constructor(options: BrokerClientOptions) {
    this.#base = options.baseUrl.replace(/\/+$/, '');
    this.#fetch = options.fetch ?? ((url, init) => fetch(url, init));
    this.#now = options.now ?? Date.now;
    this.#requestTimeoutMs = options.requestTimeoutMs ?? 15_000;
    this.#pollTimeoutMs = options.pollTimeoutMs ?? 15_000;
    this.#userAgent = options.userAgent ?? AGENT_PROGRAM;
    this.#onServerTime = options.onServerTime;
  }

  register(body: RegisterRequest, signal?: AbortSignal): Promise<RegisterResponse> {
    return this.#call(AGENT_PATHS.register, body, undefined, RegisterResponse, this.#requestTimeoutMs, signal);
  }

  poll(identity: AgentIdentity, signal?: AbortSignal): Promise<PollResponse> {
    return this.#call(AGENT_PATHS.poll, {}, identity, PollResponse, this.#pollTimeoutMs, signal);
  }

  postResult(identity: AgentIdentity, body: ResultRequest, signal?: AbortSignal): Promise<ResultResponse> {
    return this.#call(AGENT_PATHS.result, body, identity, ResultResponse, this.#requestTimeoutMs, signal);
  }

  async #call<T>(
    route: string,
    payload: unknown,
    identity: AgentIdentity | undefined,
    schema: z.ZodMiniType<T>,
    timeoutMs: number,
    signal: AbortSignal | undefined,
  ): Promise<T> {
    const url = `${this.#base}${route}`;
    const body = JSON.stringify(payload);
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      accept: 'application/json',
      'user-agent': this.#userAgent,
    };
    if (identity !== undefined) {
      Object.assign(
        headers,
        signRequest(
          { method: 'POST', path: new URL(url).pathname, body, timestamp: this.#now(), agentId: identity.agentId },
          identity.privateKey,
        ),
      );
    }

    const controller = new AbortController();
    const timer = setTimeout(
      () => controller.abort(new Error(`no answer from ${route} in ${timeoutMs} ms`)),
      timeoutMs,
    );
    const onAbort = () => controller.abort(signal?.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    if (signal?.aborted) controller.abort(signal.reason);
    try {
      const response = await this.#fetch(url, { method: 'POST', headers, body, signal: controller.signal });
      const text = await response.text();
      const json = parseJson(text);
      const date = Date.parse(response.headers.get('date') ?? '');
      if (!Number.isNaN(date)) this.#onServerTime?.(date, this.#now());
      if (!response.ok) {
        const error = errorOf(json);
        throw new BrokerHttpError(
          response.status,
          error,
          `${route} answered ${response.status}${error.message === undefined ? '' : `: ${error.message}`}`,
          Number.isNaN(date) ? undefined : date,
        );
      }
      const parsed = schema.safeParse(json);
      if (!parsed.success) {
        throw new BrokerProtocolError(`${route} answered something unexpected: ${parsed.error.issues[0]?.message}`);
      }
      return parsed.data;
    } catch (error) {
      // Surface the timeout or the caller's reason rather than a bare AbortError.
      if (controller.signal.aborted && !(error instanceof BrokerHttpError)) {
        throw controller.signal.reason instanceof Error ? controller.signal.reason : error;
      }
      throw error;
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    }
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * The broker's error envelope `{success: false, error: {code, message, details?}}`, if
 * present. `details` is `{reason}` for refused agent requests and `[{field, message}]` for
 * invalid fields; the first field problem is added to the message.
 */
function errorOf(json: unknown): { code?: string; message?: string; reason?: string } {
  const error = (json as { error?: { code?: unknown; message?: unknown; details?: unknown } } | undefined)?.error;
  if (typeof error !== 'object' || error === null) return {};
  const details = error.details as { reason?: unknown } | { field?: unknown; message?: unknown }[] | undefined;
  const reason =
    typeof details === 'object' && details !== null && !Array.isArray(details) ? details.reason : undefined;
  const field = Array.isArray(details) ? details[0] : undefined;
  const problem =
    typeof field?.field === 'string' && typeof field.message === 'string' ? ` (${field.field}: ${field.message})` : '';
  return {
    ...(typeof error.code === 'string' ? { code: error.code } : {}),
    ...(typeof error.message === 'string' ? { message: `${error.message}${problem}`.slice(0, 300) } : {}),
    ...(typeof reason === 'string' ? { reason: reason.slice(0, 100) } : {}),
  };
}
