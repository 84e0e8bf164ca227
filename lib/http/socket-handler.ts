import type { Context } from 'aws-lambda';
import type { Config } from '../config.ts';
import { type Adapter, invoke } from './invocation.ts';
import { bodyText } from './request.ts';

/**
 * An API Gateway WebSocket event: `$connect` carries the upgrade request's headers,
 * messages carry a body, every event names its connection and route.
 */
export interface SocketEvent {
  requestContext: { connectionId: string; routeKey: string; eventType?: string };
  headers?: Record<string, string | undefined>;
  body?: string | null;
  isBase64Encoded?: boolean;
}

/** What a WebSocket route's implementation receives. */
export interface SocketRequest {
  connectionId: string;
  headers: Record<string, string | undefined>;
  /** The message parsed as JSON (undefined when empty or not JSON: the route's schema refuses it). */
  json: unknown;
  config: Config;
}

type SocketAnswer = { statusCode: number };

/**
 * API Gateway reads only `statusCode` (for `$connect`, a non-2xx refuses the connection);
 * anything the broker has to say to the agent goes through `@connections`.
 */
const SOCKET: Adapter<SocketAnswer> = {
  fail: (failure) => ({ statusCode: failure.status }),
  status: (answer) => answer.statusCode,
};

/**
 * The adapter for WebSocket routes: decodes the message once and answers a status; the
 * invocation pipeline (invocation.ts) does the rest.
 */
export function socketHandler(name: string, run: (request: SocketRequest) => Promise<void>) {
  return (event: SocketEvent, context: Context): Promise<SocketAnswer> =>
    invoke({ name, secrets: [] }, context, SOCKET, async ({ config }) => {
      await run({
        connectionId: event.requestContext.connectionId,
        headers: event.headers ?? {},
        json: parseJson(bodyText(event)),
        config,
      });
      return { statusCode: 200 };
    });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
