import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { ReceivedRequest } from '../agent-wire/signing.ts';
import { BrokerError } from '../errors.ts';
import type { GoogleCredentials } from '../google/credentials.ts';
import { commonSchemas, type UserCredentials } from '../schemas/common.ts';

// A token goes into an outgoing Authorization header: printable ASCII only.
const TOKEN_SHAPE = /^[\x21-\x7e]{1,4096}$/;

function bearerToken(event: APIGatewayProxyEventV2): string | undefined {
  const header = event.headers?.authorization ?? event.headers?.Authorization;
  if (header === undefined) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match?.[1])
    throw new BrokerError('missing_token', 'The Authorization header must be "Bearer <Google access token>".');
  return match[1];
}

function bodyCredentials(body: unknown): UserCredentials | undefined {
  if (typeof body !== 'object' || body === null || !('user_credentials' in body)) return undefined;
  const parsed = commonSchemas().UserCredentials.safeParse((body as { user_credentials: unknown }).user_credentials);
  if (!parsed.success) {
    throw new BrokerError('invalid_request', 'user_credentials must be an object with a non-empty access_token.');
  }
  return parsed.data;
}

/**
 * Takes the user's Google token from `Authorization: Bearer` (what GPT Actions send) or
 * from the body's `user_credentials` (the original API's clients). The header wins.
 */
export function googleCredentials(event: APIGatewayProxyEventV2, body: unknown): GoogleCredentials {
  const fromBody = bodyCredentials(body);
  const accessToken = bearerToken(event) ?? fromBody?.access_token;
  if (!accessToken) {
    throw new BrokerError(
      'missing_token',
      'Sign in with Google: send "Authorization: Bearer <Google access token>" (or user_credentials.access_token in the body).',
    );
  }
  if (!TOKEN_SHAPE.test(accessToken)) throw new BrokerError('invalid_token', 'The access token is malformed.');
  const refreshToken = fromBody?.refresh_token ?? undefined;
  return {
    accessToken,
    ...(refreshToken && TOKEN_SHAPE.test(refreshToken) ? { refreshToken } : {}),
  };
}

/**
 * The client's `Idempotency-Key` header as sent, if any. Unchecked here: only a send uses
 * it, and lib/idempotency.ts checks it there, so a malformed key never fails a read.
 */
export function idempotencyKey(event: APIGatewayProxyEventV2): string | undefined {
  return event.headers?.['idempotency-key'] ?? event.headers?.['Idempotency-Key'];
}

/** A signed agent request as the signature covers it: method, path, the exact body bytes and the headers. */
export function signedRequestOf(event: APIGatewayProxyEventV2, rawBody: string): ReceivedRequest {
  return { method: event.requestContext.http.method, path: event.rawPath, body: rawBody, headers: event.headers };
}
