import type { HttpFailure } from './errors.ts';
import { HttpResponse } from './response.ts';

/** An answer in the REST API's format, before a transport wraps it (API Gateway's result, an MCP tool result). */
export interface RestEnvelope {
  status: number;
  /** The JSON body (a string only for an HttpResponse that carries one, such as a page). */
  body: unknown;
  headers: Record<string, string>;
}

/**
 * The one renderer of an action's answer as the REST API gives it: a plain result is
 * `200 {success: true, ...result}`; an HttpResponse keeps its own status, body and headers.
 */
export function restAnswer(result: object | HttpResponse): RestEnvelope {
  if (result instanceof HttpResponse) return { status: result.status, body: result.body, headers: result.headers };
  return { status: 200, body: { success: true, ...result }, headers: {} };
}

/**
 * The one renderer of the failure model as the REST API gives it:
 * `{success: false, error: {code, message, details?}}`. A failure not meant for the caller
 * (an internal error) names the request id, which its log line carries, instead of its cause.
 */
export function restFailure(failure: HttpFailure, requestId: string): RestEnvelope {
  const message = failure.expose ? failure.message : `${failure.message} Request id: ${requestId}`;
  return {
    status: failure.status,
    body: {
      success: false,
      error: { code: failure.code, message, ...(failure.details !== undefined ? { details: failure.details } : {}) },
    },
    headers: failure.headers,
  };
}
