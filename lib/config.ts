import * as z from './zod.ts';

/**
 * The one reader of `process.env`. Parsed once (lazily, at first use in a cold start);
 * every missing or malformed key is listed in a single error.
 */
const url = z.pipe(
  z.url({ protocol: /^https?$/ }),
  z.transform((value: string) => (value.endsWith('/') ? value : `${value}/`)),
);
const csv = z.pipe(
  z.string(),
  z.transform((value: string) =>
    value
      .split(',')
      .map((part) => part.trim())
      .filter((part) => part.length > 0),
  ),
);

/** A count from the environment (a string there), `min`-`max`, `fallback` when unset. */
const count = (min: number, max: number, fallback: number) =>
  z._default(z.coerce.number().check(z.int(), z.minimum(min), z.maximum(max)), fallback);

/** A text setting that may be left unset. */
const optionalText = () => z.optional(z.string().check(z.minLength(1)));

export const ConfigSchema = z.object({
  GMAIL_API_URL: z
    ._default(url, 'https://gmail.googleapis.com/')
    .check(
      z.describe(
        "Gmail API root: Google's, or the emulator's under `npm start` (which starts no emulator when this is set).",
      ),
    ),
  GOOGLE_OAUTH_URL: z
    ._default(url, 'https://oauth2.googleapis.com/')
    .check(z.describe("Root of Google's `token` and `tokeninfo` endpoints (the emulator's locally).")),
  GOOGLE_AUTHORIZE_URL: z
    ._default(z.url({ protocol: /^https?$/ }), 'https://accounts.google.com/o/oauth2/v2/auth')
    .check(
      z.describe("Google's authorization endpoint, where the MCP sign-in sends the user (the emulator's locally)."),
    ),
  GOOGLE_CLIENT_ID: optionalText().check(
    z.describe(
      'The Google OAuth client the broker signs users in with for MCP; only tokens issued to it may pair and use computers.',
    ),
  ),
  GOOGLE_CLIENT_SECRET_PARAMETER: optionalText().check(
    z.describe(
      'The SSM parameter holding the Google client secret; only the functions whose registry entry names it get it.',
    ),
  ),
  CORS_ORIGINS: z
    ._default(csv, ['https://chatgpt.com', 'https://chat.openai.com'])
    .check(z.describe('Origins allowed by CORS. ChatGPT calls server to server, but its UI may preflight.')),
  PUBLIC_URL: z
    .optional(url)
    .check(z.describe("Public base URL of this API, used in the OpenAPI document's `servers`.")),
  TABLE_NAME: z
    ._default(z.string().check(z.minLength(1)), 'chatgpt-broker-dev')
    .check(
      z.describe(
        'The one DynamoDB table: agents, pairing codes, jobs, connections, OAuth clients and grants, send-once records.',
      ),
    ),
  DYNAMODB_ENDPOINT: z.optional(url).check(z.describe('Set for local DynamoDB (dynalite); unset on AWS.')),
  SSM_ENDPOINT: z.optional(url).check(z.describe('Set for the local SSM stand-in (local/ssm.ts); unset on AWS.')),
  AWS_REGION: z
    ._default(z.string().check(z.minLength(1)), 'us-east-1')
    .check(z.describe('AWS region of the table, SSM and KMS (set by Lambda).')),
  AWS_ACCESS_KEY_ID: optionalText().check(
    z.describe("Set by Lambda: the function role's temporary access key id, for signing AWS calls (lib/aws)."),
  ),
  AWS_SECRET_ACCESS_KEY: optionalText().check(
    z.describe('Set by Lambda: the secret half of that key. Never logged or answered.'),
  ),
  AWS_SESSION_TOKEN: optionalText().check(
    z.describe("Set by Lambda: the session token of the role's temporary credentials."),
  ),
  AWS_LAMBDA_FUNCTION_NAME: optionalText().check(
    z.describe("Set by Lambda (and serverless-offline): this function's full name."),
  ),
  JOB_SIGNING_KEY_PARAMETER: optionalText().check(
    z.describe(
      "The SSM SecureString parameter holding the broker's Ed25519 job-signing key (PKCS#8 PEM). Only the functions that sign jobs have it; locally the SSM stand-in serves it.",
    ),
  ),
  TOKEN_KMS_KEY_ID: optionalText().check(
    z.describe('KMS key (id, ARN or alias) that wraps the data keys sealing stored Google refresh tokens (AWS).'),
  ),
  TOKEN_KEY_FILE: optionalText().check(
    z.describe('A file holding a 32-byte base64 key used instead of KMS (local runs and tests).'),
  ),
  OAUTH_ALLOW_LOOPBACK_HTTP: z
    .pipe(
      z._default(z.enum(['true', 'false']), 'false'),
      z.transform((value: 'true' | 'false') => value === 'true'),
    )
    .check(z.describe('Lets client ID metadata documents and redirect URIs use http://127.0.0.1 (tests only).')),
  AGENT_REGISTRATIONS_PER_HOUR: count(1, 10_000, 20).check(
    z.describe(
      'Desktop agents (`/api/agent/register`) one source address may register per hour: each holds a live pairing code, and the fewer live codes there are, the less a guessed one is worth.',
    ),
  ),
  OAUTH_REGISTRATIONS_PER_HOUR: count(1, 10_000, 20).check(
    z.describe('MCP client registrations (`/oauth/register`) one source address may make per hour.'),
  ),
  OAUTH_CODE_REUSE_GRACE_SECONDS: count(0, 60, 10).check(
    z.describe('How long a redeemed authorization code answers a second redemption with the same tokens.'),
  ),
  MCP_ACCESS_TOKEN_SECONDS: count(1, 86_400, 3_600).check(
    z.describe("Lifetime of the broker's own MCP access tokens."),
  ),
  LAUNCH_WAIT_MS: count(0, 20_000, 6_000).check(
    z.describe('Longest time `launch_app` waits for an agent\'s answer before replying "pending".'),
  ),
  FILE_LINK_HOSTS: z
    ._default(csv, ['files.oaiusercontent.com'])
    .check(
      z.describe(
        'Hosts a file link (`openaiFileIdRefs[].download_link`) may be fetched from, exactly (case-insensitive). A host named here by name must resolve to public addresses only; a private or loopback address is reachable only when its IP literal is listed itself.',
      ),
    ),
  FILE_LINK_HTTP_HOSTS: z
    ._default(csv, [])
    .check(
      z.describe(
        'Hosts of FILE_LINK_HOSTS that may be fetched over plain http (a local test server); none by default.',
      ),
    ),
  AGENT_SOCKET_URL: z
    .optional(z.url({ protocol: /^wss?$/ }))
    .check(
      z.describe(
        'The WebSocket URL agents hold for pushed jobs (`wss://<api>.execute-api.<region>.amazonaws.com/<stage>`).',
      ),
    ),
  WEBSOCKET_MANAGEMENT_URL: z
    .optional(z.url({ protocol: /^https?$/ }))
    .check(
      z.describe(
        "Where the broker posts to agents' connections: the WebSocket API's `@connections` root (https; http locally).",
      ),
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
