import type { Context } from 'aws-lambda';
import { type Config, getConfig } from '../config.ts';
import { describeError, logger } from '../log.ts';
import { flushMetrics } from '../metrics.ts';
import { toHttpFailure } from './errors.ts';

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

/**
 * The one wrapper every WebSocket route handler uses: config, logging, and the error
 * model. API Gateway reads only `statusCode` (for `$connect`, a non-2xx refuses the
 * connection); anything the broker has to say to the agent goes through `@connections`.
 */
export function socketHandler(name: string, run: (request: SocketRequest) => Promise<void>) {
  return async (event: SocketEvent, context: Context): Promise<{ statusCode: number }> => {
    const started = Date.now();
    logger.addContext(context);
    try {
      const raw = event.body ?? '';
      await run({
        connectionId: event.requestContext.connectionId,
        headers: event.headers ?? {},
        json: parseJson(event.isBase64Encoded ? Buffer.from(raw, 'base64').toString('utf8') : raw),
        config: getConfig(),
      });
      logger.info('socket event', { operation: name, status: 200, ms: Date.now() - started });
      return { statusCode: 200 };
    } catch (error) {
      const failure = toHttpFailure(error);
      const attributes = { operation: name, status: failure.status, code: failure.code, ms: Date.now() - started };
      if (failure.expose) logger.warn('socket event refused', attributes);
      else logger.error('socket event failed', { ...attributes, ...describeError(error) });
      return { statusCode: failure.status };
    } finally {
      flushMetrics();
      logger.resetKeys();
    }
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
