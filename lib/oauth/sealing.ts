import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { callJson, KMS } from '../aws/json.ts';
import type { Config } from '../config.ts';

/**
 * Envelope encryption for the one secret the broker keeps: a user's Google refresh token.
 * Each secret is sealed with AES-256-GCM under its own random data key; the data key is
 * stored only wrapped by a key that is not in the table (KMS on AWS, a local key file
 * offline). The context (the grant id) is bound as additional data, so a sealed value
 * copied onto another grant does not open.
 */
export interface Sealed {
  /** Which wrapper sealed it: `kms` or `file`. */
  wrapper: string;
  /** The wrapped data key (base64). */
  key: string;
  iv: string;
  tag: string;
  data: string;
}

/** Makes and opens data keys; the master key never leaves it. */
export interface KeyWrapper {
  readonly name: string;
  generate(context: string): Promise<{ plain: Buffer; wrapped: Buffer }>;
  unwrap(wrapped: Buffer, context: string): Promise<Buffer>;
}

function gcmSeal(key: Buffer, plain: Buffer, context: string) {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(context, 'utf8'));
  const data = Buffer.concat([cipher.update(plain), cipher.final()]);
  return { iv, tag: cipher.getAuthTag(), data };
}

function gcmOpen(key: Buffer, box: { iv: Buffer; tag: Buffer; data: Buffer }, context: string): Buffer {
  const decipher = createDecipheriv('aes-256-gcm', key, box.iv);
  decipher.setAAD(Buffer.from(context, 'utf8'));
  decipher.setAuthTag(box.tag);
  return Buffer.concat([decipher.update(box.data), decipher.final()]);
}

/** Opens a base64 box with `key`, then wipes the key. */
function openBase64(key: Buffer, box: { iv: string; tag: string; data: string }, context: string): string {
  try {
    return gcmOpen(
      key,
      { iv: Buffer.from(box.iv, 'base64'), tag: Buffer.from(box.tag, 'base64'), data: Buffer.from(box.data, 'base64') },
      context,
    ).toString('utf8');
  } finally {
    key.fill(0);
  }
}

/** Wraps data keys with a 32-byte master key read from a file (local runs). */
export function fileKeyWrapper(masterKey: Buffer): KeyWrapper {
  if (masterKey.length !== 32) throw new Error('the token key file must hold 32 bytes (base64)');
  return {
    name: 'file',
    async generate(context) {
      const plain = randomBytes(32);
      const box = gcmSeal(masterKey, plain, context);
      return { plain, wrapped: Buffer.concat([box.iv, box.tag, box.data]) };
    },
    async unwrap(wrapped, context) {
      return gcmOpen(
        masterKey,
        { iv: wrapped.subarray(0, 12), tag: wrapped.subarray(12, 28), data: wrapped.subarray(28) },
        context,
      );
    },
  };
}

/**
 * Wraps data keys with a KMS key: GenerateDataKey to seal, Decrypt to open, the context as
 * encryption context. `endpoint` is a KMS stand-in's (tests); without it, the region's KMS.
 */
export async function kmsKeyWrapper(keyId: string, config: Config, endpoint?: string): Promise<KeyWrapper> {
  // KMS's JSON protocol carries blobs as base64.
  const kms = <T>(action: string, input: object) => callJson<T>(config, KMS, action, input, endpoint);
  return {
    name: 'kms',
    async generate(context) {
      const out = await kms<{ Plaintext?: string; CiphertextBlob?: string }>('GenerateDataKey', {
        KeyId: keyId,
        KeySpec: 'AES_256',
        EncryptionContext: { grant: context },
      });
      if (!out.Plaintext || !out.CiphertextBlob) throw new Error('KMS returned no data key');
      return { plain: Buffer.from(out.Plaintext, 'base64'), wrapped: Buffer.from(out.CiphertextBlob, 'base64') };
    },
    async unwrap(wrapped, context) {
      const out = await kms<{ Plaintext?: string }>('Decrypt', {
        KeyId: keyId,
        CiphertextBlob: wrapped.toString('base64'),
        EncryptionContext: { grant: context },
      });
      if (!out.Plaintext) throw new Error('KMS returned no plaintext');
      return Buffer.from(out.Plaintext, 'base64');
    },
  };
}

let cached: Promise<KeyWrapper> | undefined;

/** The configured wrapper (`TOKEN_KEY_FILE` locally, else KMS with `TOKEN_KMS_KEY_ID`), made once per cold start. */
export function keyWrapper(config: Config): Promise<KeyWrapper> {
  cached ??= (async () => {
    // A key file wins: serverless-offline also hands the functions the template's
    // TOKEN_KMS_KEY_ID (an unresolved reference), and offline there is no KMS to call.
    if (config.TOKEN_KEY_FILE) {
      return fileKeyWrapper(Buffer.from((await readFile(config.TOKEN_KEY_FILE, 'utf8')).trim(), 'base64'));
    }
    if (config.TOKEN_KMS_KEY_ID) return kmsKeyWrapper(config.TOKEN_KMS_KEY_ID, config);
    throw new Error('Set TOKEN_KMS_KEY_ID (AWS) or TOKEN_KEY_FILE (local) to store Google refresh tokens.');
  })();
  cached.catch(() => {
    cached = undefined;
  });
  return cached;
}

/** Seals `secret` for `context` under a fresh data key. */
export async function seal(wrapper: KeyWrapper, secret: string, context: string): Promise<Sealed> {
  const { plain, wrapped } = await wrapper.generate(context);
  const box = gcmSeal(plain, Buffer.from(secret, 'utf8'), context);
  plain.fill(0);
  return {
    wrapper: wrapper.name,
    key: wrapped.toString('base64'),
    iv: box.iv.toString('base64'),
    tag: box.tag.toString('base64'),
    data: box.data.toString('base64'),
  };
}

/** Opens what {@link seal} made for the same context; throws when it was altered or moved. */
export async function unseal(wrapper: KeyWrapper, sealed: Sealed, context: string): Promise<string> {
  if (sealed.wrapper !== wrapper.name) throw new Error(`sealed with ${sealed.wrapper}, opened with ${wrapper.name}`);
  const key = await wrapper.unwrap(Buffer.from(sealed.key, 'base64'), context);
  return openBase64(key, sealed, context);
}

/** A secret sealed under a key derived from a bearer token (the table holds only the token's hash). */
export interface TokenSealed {
  iv: string;
  tag: string;
  data: string;
}

const TOKEN_KEY_INFO = 'chatgpt-broker google access token v1';

function keyFromToken(token: string): Buffer {
  return Buffer.from(hkdfSync('sha256', token, '', TOKEN_KEY_INFO, 32));
}

/**
 * Seals `secret` under a key derived (HKDF-SHA256) from `token` itself: whoever reads the
 * table sees only the token's SHA-256, from which the key cannot be derived, so only a
 * request bearing the token opens it. No KMS call either way.
 */
export function sealWithToken(secret: string, token: string, context: string): TokenSealed {
  const key = keyFromToken(token);
  try {
    const box = gcmSeal(key, Buffer.from(secret, 'utf8'), context);
    return { iv: box.iv.toString('base64'), tag: box.tag.toString('base64'), data: box.data.toString('base64') };
  } finally {
    key.fill(0);
  }
}

/** Opens what {@link sealWithToken} made with the same token and context; throws otherwise. */
export function openWithToken(sealed: TokenSealed, token: string, context: string): string {
  return openBase64(keyFromToken(token), sealed, context);
}
