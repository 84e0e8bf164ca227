import * as z from 'zod';

/**
 * The one reader of `process.env`. Parsed once (lazily, at first use in a cold start);
 * every missing or malformed key is listed in a single error.
 */
const url = z.url({ protocol: /^https?$/ }).transform((value) => (value.endsWith('/') ? value : `${value}/`));
const csv = z.string().transform((value) =>
  value
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part.length > 0),
);

export const ConfigSchema = z.object({
  GMAIL_API_URL: url
    .default('https://gmail.googleapis.com/')
    .describe(
      "Gmail API root: Google's, or the emulator's under `npm start` (which starts no emulator when this is set).",
    ),
  GOOGLE_OAUTH_URL: url
    .default('https://oauth2.googleapis.com/')
    .describe("Root of Google's `token` and `tokeninfo` endpoints (the emulator's locally)."),
  GOOGLE_AUTHORIZE_URL: z
    .url({ protocol: /^https?$/ })
    .default('https://accounts.google.com/o/oauth2/v2/auth')
    .describe("Google's authorization endpoint, where the MCP sign-in sends the user (the emulator's locally)."),
  GOOGLE_CLIENT_ID: z
    .string()
    .min(1)
    .optional()
    .describe(
      'The Google OAuth client the broker signs users in with for MCP; only tokens issued to it may pair and use computers.',
    ),
  GOOGLE_CLIENT_SECRET_PARAMETER: z
    .string()
    .min(1)
    .optional()
    .describe(
      'The SSM parameter holding the Google client secret; only the functions whose registry entry names it get it.',
    ),
  CORS_ORIGINS: csv
    .default(['https://chatgpt.com', 'https://chat.openai.com'])
    .describe('Origins allowed by CORS. ChatGPT calls server to server, but its UI may preflight.'),
  PUBLIC_URL: url.optional().describe("Public base URL of this API, used in the OpenAPI document's `servers`."),
  TABLE_NAME: z
    .string()
    .min(1)
    .default('chatgpt-broker-dev')
    .describe(
      'The one DynamoDB table: agents, pairing codes, jobs, connections, OAuth clients and grants, send-once records.',
    ),
  DYNAMODB_ENDPOINT: url.optional().describe('Set for local DynamoDB (dynalite); unset on AWS.'),
  SSM_ENDPOINT: url.optional().describe('Set for the local SSM stand-in (local/ssm.ts); unset on AWS.'),
  AWS_REGION: z.string().min(1).default('us-east-1').describe('AWS region of the table, SSM and KMS (set by Lambda).'),
  AWS_ACCESS_KEY_ID: z
    .string()
    .min(1)
    .optional()
    .describe("Set by Lambda: the function role's temporary access key id, for signing AWS calls (lib/aws)."),
  AWS_SECRET_ACCESS_KEY: z
    .string()
    .min(1)
    .optional()
    .describe('Set by Lambda: the secret half of that key. Never logged or answered.'),
  AWS_SESSION_TOKEN: z
    .string()
    .min(1)
    .optional()
    .describe("Set by Lambda: the session token of the role's temporary credentials."),
  AWS_LAMBDA_FUNCTION_NAME: z
    .string()
    .min(1)
    .optional()
    .describe("Set by Lambda (and serverless-offline): this function's full name."),
  JOB_SIGNING_KEY_PARAMETER: z
    .string()
    .min(1)
    .optional()
    .describe(
      "The SSM SecureString parameter holding the broker's Ed25519 job-signing key (PKCS#8 PEM). Only the functions that sign jobs have it; locally the SSM stand-in serves it.",
    ),
  TOKEN_KMS_KEY_ID: z
    .string()
    .min(1)
    .optional()
    .describe('KMS key (id, ARN or alias) that wraps the data keys sealing stored Google refresh tokens (AWS).'),
  TOKEN_KEY_FILE: z
    .string()
    .min(1)
    .optional()
    .describe('A file holding a 32-byte base64 key used instead of KMS (local runs and tests).'),
  OAUTH_ALLOW_LOOPBACK_HTTP: z
    .enum(['true', 'false'])
    .default('false')
    .transform((value) => value === 'true')
    .describe('Lets client ID metadata documents and redirect URIs use http://127.0.0.1 (tests only).'),
  AGENT_REGISTRATIONS_PER_HOUR: z.coerce
    .number()
    .int()
    .min(1)
    .max(10_000)
    .default(20)
    .describe(
      'Desktop agents (`/api/agent/register`) one source address may register per hour: each holds a live pairing code, and the fewer live codes there are, the less a guessed one is worth.',
    ),
  OAUTH_REGISTRATIONS_PER_HOUR: z.coerce
    .number()
    .int()
    .min(1)
    .max(10_000)
    .default(20)
    .describe('MCP client registrations (`/oauth/register`) one source address may make per hour.'),
  OAUTH_CODE_REUSE_GRACE_SECONDS: z.coerce
    .number()
    .int()
    .min(0)
    .max(60)
    .default(10)
    .describe('How long a redeemed authorization code answers a second redemption with the same tokens.'),
  MCP_ACCESS_TOKEN_SECONDS: z.coerce
    .number()
    .int()
    .min(1)
    .max(86_400)
    .default(3_600)
    .describe("Lifetime of the broker's own MCP access tokens."),
  LAUNCH_WAIT_MS: z.coerce
    .number()
    .int()
    .min(0)
    .max(20_000)
    .default(6_000)
    .describe('Longest time `launch_app` waits for an agent\'s answer before replying "pending".'),
  FILE_LINK_HOSTS: csv
    .default(['files.oaiusercontent.com'])
    .describe(
      'Hosts a file link (`openaiFileIdRefs[].download_link`) may be fetched from, exactly (case-insensitive). A host named here by name must resolve to public addresses only; a private or loopback address is reachable only when its IP literal is listed itself.',
    ),
  FILE_LINK_HTTP_HOSTS: csv
    .default([])
    .describe('Hosts of FILE_LINK_HOSTS that may be fetched over plain http (a local test server); none by default.'),
  AGENT_SOCKET_URL: z
    .url({ protocol: /^wss?$/ })
    .optional()
    .describe(
      'The WebSocket URL agents hold for pushed jobs (`wss://<api>.execute-api.<region>.amazonaws.com/<stage>`).',
    ),
  WEBSOCKET_MANAGEMENT_URL: z
    .url({ protocol: /^https?$/ })
    .optional()
    .describe(
      "Where the broker posts to agents' connections: the WebSocket API's `@connections` root (https; http locally).",
    ),
});

/**
 * The configuration a request runs with. `GOOGLE_CLIENT_SECRET` is never read from the
 * environment: lib/http fills it from SSM for the functions whose registry entry names it.
 */
export type Config = z.infer<typeof ConfigSchema> & { GOOGLE_CLIENT_SECRET?: string };

let cached: Config | undefined;

/** Parses the environment once; throws one error listing every bad key. */
export function getConfig(): Config {
  cached ??= parseConfig(process.env);
  return cached;
}

export function parseConfig(env: Record<string, string | undefined>): Config {
  // Deployment templates often render an unset variable as '': treat it as unset.
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const result = ConfigSchema.safeParse(present);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`Invalid configuration:\n  ${problems.join('\n  ')}`);
  }
  return result.data;
}

/** True when the broker can refresh expired Google tokens itself. */
export function canRefreshTokens(config: Config): boolean {
  return config.GOOGLE_CLIENT_ID !== undefined && config.GOOGLE_CLIENT_SECRET !== undefined;
}
