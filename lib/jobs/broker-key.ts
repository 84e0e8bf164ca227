import type { KeyObject } from 'node:crypto';
import { importPrivateKey, publicKeyOf } from '../agent-wire/signing.ts';
import type { Config } from '../config.ts';
import { BrokerError } from '../errors.ts';
import { readSecret } from '../secrets.ts';

export interface BrokerKeys {
  privateKey: KeyObject;
  /** Base64 SPKI: what agents pin at registration. */
  publicKey: string;
}

let cached: { pem: string; keys: BrokerKeys } | undefined;

/**
 * The broker's job-signing key pair, from the SSM parameter JOB_SIGNING_KEY_PARAMETER names
 * (on AWS and, through the local stand-in, locally), read once per cold start.
 */
export async function brokerKeys(config: Config): Promise<BrokerKeys> {
  const pem = await readSecret(config, 'job_signing_key');
  if (!pem) throw new BrokerError('internal', 'The job-signing key is not configured (JOB_SIGNING_KEY_PARAMETER).');
  if (cached?.pem !== pem) {
    const privateKey = importPrivateKey(pem);
    cached = { pem, keys: { privateKey, publicKey: publicKeyOf(privateKey) } };
  }
  return cached.keys;
}
