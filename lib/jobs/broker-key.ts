import type { KeyObject } from 'node:crypto';
import type { Config } from '../config.ts';
import { BrokerError } from '../errors.ts';
import { importPrivateKey, publicKeyOf } from './signing.ts';

let cached: { source: string; privateKey: KeyObject; publicKey: string } | undefined;

/** The broker's job-signing key pair from configuration, imported once per cold start. */
export function brokerKeys(config: Config): { privateKey: KeyObject; publicKey: string } {
  const source = config.JOB_SIGNING_KEY;
  if (!source) throw new BrokerError('internal', 'JOB_SIGNING_KEY is not configured.');
  if (cached?.source !== source) {
    // Environment files often carry a PEM with escaped newlines.
    const pem = source.includes('\\n') ? source.replace(/\\n/g, '\n') : source;
    const privateKey = importPrivateKey(pem);
    cached = { source, privateKey, publicKey: publicKeyOf(privateKey) };
  }
  return cached;
}
