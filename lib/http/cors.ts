/**
 * The one CORS definition: API Gateway answers preflights with it (scripts/deployment.ts),
 * and each JSON handler names an allowed origin on its own answers with the same lists
 * (api-handler.ts), so a header allowed in one place is allowed in the other. Origins come
 * from CORS_ORIGINS in both.
 */
export const CORS = {
  headers: ['Authorization', 'Content-Type', 'Idempotency-Key'],
  methods: ['GET', 'POST', 'OPTIONS'],
  maxAgeSeconds: 600,
} as const;
