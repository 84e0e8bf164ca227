/**
 * The one CORS definition: API Gateway answers preflights with it (scripts/deployment.ts),
 * and each JSON handler names an allowed origin on its own answers with the same lists
 * ({@link corsHeaders}, api-handler.ts), so a header allowed in one place is allowed in the
 * other. Origins come from CORS_ORIGINS in both.
 */
export const CORS = {
  headers: ['Authorization', 'Content-Type', 'Idempotency-Key'],
  methods: ['GET', 'POST', 'OPTIONS'],
  maxAgeSeconds: 600,
} as const;

/**
 * The CORS headers of an answer to a request from `origin`: the origin is named only when
 * it is exactly one of `allowed` (never reflected otherwise, never `*`), and `Vary: Origin`
 * tells caches the answer depends on it.
 */
export function corsHeaders(origin: string | undefined, allowed: readonly string[]): Record<string, string> {
  return {
    'Access-Control-Allow-Headers': CORS.headers.join(', '),
    'Access-Control-Allow-Methods': CORS.methods.join(', '),
    'Access-Control-Max-Age': String(CORS.maxAgeSeconds),
    Vary: 'Origin',
    ...(origin !== undefined && allowed.includes(origin) ? { 'Access-Control-Allow-Origin': origin } : {}),
  };
}
