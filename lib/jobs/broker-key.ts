import type { KeyObject } from 'node:crypto';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { awsClientOptions } from '../aws.ts';
import type { Config } from '../config.ts';
import { BrokerError } from '../errors.ts';
import { importPrivateKey, publicKeyOf } from './signing.ts';

export interface BrokerKeys {
  privateKey: KeyObject;
  /** Base64 SPKI: what agents pin at registration. */
  publicKey: string;
}

let cached: { source: string; keys: Promise<BrokerKeys> } | undefined;

/** Reads the key from an SSM SecureString: it is never in the template or the environment. */
async function fromParameter(name: string, config: Config): Promise<BrokerKeys> {
  const ssm = new SSMClient(awsClientOptions(config, config.SSM_ENDPOINT));
  try {
    const { Parameter } = await ssm.send(new GetParameterCommand({ Name: name, WithDecryption: true }));
    if (!Parameter?.Value) throw new BrokerError('internal', `The job-signing key parameter ${name} is empty.`);
    const privateKey = importPrivateKey(Parameter.Value);
    return { privateKey, publicKey: publicKeyOf(privateKey) };
  } finally {
    ssm.destroy();
  }
}

/**
 * The broker's job-signing key pair, loaded once per cold start from the SSM parameter
 * JOB_SIGNING_KEY_PARAMETER names (on AWS and, through the local stand-in, locally).
 */
export function brokerKeys(config: Config): Promise<BrokerKeys> {
  const source = config.JOB_SIGNING_KEY_PARAMETER;
  if (!source) return Promise.reject(new BrokerError('internal', 'JOB_SIGNING_KEY_PARAMETER is not configured.'));
  if (cached?.source !== source) {
    const keys = fromParameter(source, config);
    // A failed load is not cached: the next request tries again.
    keys.catch(() => {
      if (cached?.keys === keys) cached = undefined;
    });
    cached = { source, keys };
  }
  return cached.keys;
}
