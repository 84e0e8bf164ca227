import type { Config } from './config.ts';
import { BrokerError } from './errors.ts';

/**
 * Secrets a function may read. On AWS (and locally, through the SSM stand-in) each is an SSM
 * SecureString parameter `/<service>/<stage>/<parameter>`, readable only by the functions
 * whose registry entry names it; `variable` is how the deployment tells a function its name.
 */
export const SECRETS = {
  job_signing_key: { parameter: 'job-signing-key', variable: 'JOB_SIGNING_KEY_PARAMETER' },
  /** Optional: without it the broker cannot refresh a token that came with a body refresh_token. */
  google_client_secret: { parameter: 'google-client-secret', variable: 'GOOGLE_CLIENT_SECRET_PARAMETER' },
} as const;

/** A secret's name in the registry (`secrets` of a function). */
export type Secret = keyof typeof SECRETS;

const cache = new Map<string, Promise<string | undefined>>();

async function fromParameter(name: string, config: Config): Promise<string | undefined> {
  // Loaded on the first read, not at import: most functions never read a secret, and the
  // ones that do read it once per cold start.
  const { callJson, SSM } = await import('./aws/json.ts');
  try {
    const { Parameter } = await callJson<{ Parameter?: { Value?: string } }>(
      config,
      SSM,
      'GetParameter',
      { Name: name, WithDecryption: true },
      config.SSM_ENDPOINT,
    );
    return Parameter?.Value || undefined;
  } catch (error) {
    // An optional secret the operator has not created (e.g. no refresh without a client secret).
    if (error instanceof Error && error.name === 'ParameterNotFound') return undefined;
    throw error;
  }
}

/**
 * A secret this function's registry entry names, read from its SSM SecureString parameter
 * once per cold start (the deployment gives the function the parameter's name, never the
 * value). Undefined when the function was not given the secret or the parameter does not
 * exist. A failed read is not cached: the next request tries again.
 */
export function readSecret(config: Config, secret: Secret): Promise<string | undefined> {
  const name = config[SECRETS[secret].variable];
  if (!name) return Promise.resolve(undefined);
  let value = cache.get(name);
  if (!value) {
    value = fromParameter(name, config);
    value.catch(() => cache.delete(name));
    cache.set(name, value);
  }
  return value.catch((error: unknown) => {
    throw new BrokerError('internal', `The secret parameter ${name} could not be read.`, { cause: error });
  });
}
