import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig } from '#lib/config';
import { kmsKeyWrapper, seal, unseal } from '#lib/oauth/sealing';
import { listenOnLoopback } from '../../../local/ports.ts';
import { readBody } from '../../../local/read-body.ts';

/**
 * Sealing through KMS as AWS KMS answers (AWS JSON 1.1, blobs as base64, per its API
 * reference for GenerateDataKey and Decrypt): a stand-in on loopback that wraps data keys
 * with a key of its own, bound to the encryption context, and refuses a different context.
 */

const masterKey = randomBytes(32);
const calls: { target: string; input: Record<string, any> }[] = [];

const wrap = (plain: Buffer, context: string) => {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', masterKey, iv).setAAD(Buffer.from(context));
  const data = Buffer.concat([cipher.update(plain), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), data]);
};
const unwrap = (blob: Buffer, context: string) => {
  const decipher = createDecipheriv('aes-256-gcm', masterKey, blob.subarray(0, 12)).setAAD(Buffer.from(context));
  decipher.setAuthTag(blob.subarray(12, 28));
  return Buffer.concat([decipher.update(blob.subarray(28)), decipher.final()]);
};

const kms = await listenOnLoopback(
  createServer(async (request, response) => {
    const target = String(request.headers['x-amz-target']);
    const input = JSON.parse((await readBody(request)).toString('utf8'));
    calls.push({ target, input });
    const context = JSON.stringify(input.EncryptionContext);
    const answer = (status: number, body: object) => {
      response.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' }).end(JSON.stringify(body));
    };
    if (target === 'TrentService.GenerateDataKey') {
      const plain = randomBytes(32);
      return answer(200, {
        KeyId: input.KeyId,
        Plaintext: plain.toString('base64'),
        CiphertextBlob: wrap(plain, context).toString('base64'),
      });
    }
    try {
      return answer(200, {
        Plaintext: unwrap(Buffer.from(input.CiphertextBlob, 'base64'), context).toString('base64'),
      });
    } catch {
      return answer(400, { __type: 'InvalidCiphertextException', message: 'bad context or blob' });
    }
  }),
);
afterAll(() => kms.close());

const config = parseConfig({ AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret-of-the-role' });

describe('sealing with KMS', () => {
  it('wraps a fresh data key per seal under the grant as encryption context, and opens it through Decrypt', async () => {
    const wrapper = await kmsKeyWrapper('alias/broker-tokens', config, kms.endpoint);
    const sealed = await seal(wrapper, '1//refresh-token', 'grant-1');
    expect(await unseal(wrapper, sealed, 'grant-1')).toBe('1//refresh-token');
    expect(calls.map((call) => call.target)).toEqual(['TrentService.GenerateDataKey', 'TrentService.Decrypt']);
    expect(calls[0]?.input).toEqual({
      KeyId: 'alias/broker-tokens',
      KeySpec: 'AES_256',
      EncryptionContext: { grant: 'grant-1' },
    });
    expect(calls[1]?.input).toMatchObject({ KeyId: 'alias/broker-tokens', CiphertextBlob: sealed.key });
    await expect(unseal(wrapper, sealed, 'grant-2')).rejects.toMatchObject({ name: 'InvalidCiphertextException' });
  });
});
