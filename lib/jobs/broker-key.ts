import type { KeyObject } from 'node:crypto';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import type { Config } from '../config.ts';
import { BrokerError } from '../errors.ts';
import { importPrivateKey, publicKeyOf } from './signing.ts';

export interface BrokerKeys {
  privateKey: KeyObject;
  /** Base64 SPKI: what agents pin at registration. */
  publicKey: string;
}

let cached: { source: string; keys: Promise<BrokerKeys> } | undefined;

/** Environment files often carry a PEM with escaped newlines. */
function fromPem(text: string): BrokerKeys {
  const pem = text.includes('\\n') ? text.replace(/\\n/g, '\n') : text;
  const privateKey = importPrivateKey(pem);
  return { privateKey, publicKey: publicKeyOf(privateKey) };
}

/** Reads the key from an SSM SecureString: on AWS it is never in the template or the environment. */
async function fromParameter(name: string, region: string): Promise<BrokerKeys> {
  const ssm = new SSMClient({ region });
  try {
    const { Parameter } = await ssm.send(new GetParameterCommand({ Name: name, WithDecryption: true }));
    if (!Parameter?.Value) throw new BrokerError('internal', `The job-signing key parameter ${name} is empty.`);
    return fromPem(Parameter.Value);
  } finally {
    ssm.destroy();
  }
}

/**
 * The broker's job-signing key pair, loaded once per cold start: from JOB_SIGNING_KEY
 * (local runs) or from the SSM parameter JOB_SIGNING_KEY_PARAMETER names (AWS).
 */
export function brokerKeys(config: Config): Promise<BrokerKeys> {
  const source = config.JOB_SIGNING_KEY ?? config.JOB_SIGNING_KEY_PARAMETER;
  if (!source)
    return Promise.reject(
      new BrokerError('internal', 'Neither JOB_SIGNING_KEY nor JOB_SIGNING_KEY_PARAMETER is configured.'),
    );
  if (cached?.source !== source) {
    const keys = config.JOB_SIGNING_KEY
      ? Promise.resolve().then(() => fromPem(source))
      : fromParameter(source, config.AWS_REGION);
    // A failed load is not cached: the next request tries again.
    keys.catch(() => {
      if (cached?.keys === keys) cached = undefined;
    });
    cached = { source, keys };
  }
  return cached.keys;
}
