import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { BrokerError } from '../errors.ts';
import type { GoogleCredentials } from '../google/credentials.ts';
import type { ReceivedRequest } from '../jobs/signing.ts';
import { UserCredentials } from '../schemas/common.ts';

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
  const parsed = UserCredentials.safeParse((body as { user_credentials: unknown }).user_credentials);
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

// Stripe's and the IETF draft's keys are opaque strings; ours are stored hashed, so only the shape is checked.
const IDEMPOTENCY_KEY_SHAPE = /^[\x21-\x7e]{1,255}$/;

/** The client's `Idempotency-Key` header (IETF draft-ietf-httpapi-idempotency-key-header), if any. */
export function idempotencyKey(event: APIGatewayProxyEventV2): string | undefined {
  const value = event.headers?.['idempotency-key'] ?? event.headers?.['Idempotency-Key'];
  if (value === undefined) return undefined;
  if (!IDEMPOTENCY_KEY_SHAPE.test(value)) {
    throw new BrokerError('invalid_request', 'The Idempotency-Key header must be 1-255 printable ASCII characters.', {
      details: [{ field: 'Idempotency-Key', message: 'must be 1-255 printable ASCII characters' }],
    });
  }
  return value;
}

/** A signed agent request as the signature covers it: method, path, the exact body bytes and the headers. */
export function signedRequestOf(event: APIGatewayProxyEventV2, rawBody: string): ReceivedRequest {
  return { method: event.requestContext.http.method, path: event.rawPath, body: rawBody, headers: event.headers };
}
