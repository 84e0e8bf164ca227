import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hashSecret } from '#lib/oauth/records';
import { fileKeyWrapper, openWithToken, seal, sealWithToken, unseal } from '#lib/oauth/sealing';

const wrapper = fileKeyWrapper(randomBytes(32));
const secret = '1//refresh-token-of-a-user';

describe('sealing a Google refresh token', () => {
  it('opens to the same token for the same grant, and stores nothing that contains it', async () => {
    const sealed = await seal(wrapper, secret, 'grant-1');
    expect(JSON.stringify(sealed)).not.toContain(secret);
    expect(JSON.stringify(sealed)).not.toContain(Buffer.from(secret).toString('base64'));
    expect(await unseal(wrapper, sealed, 'grant-1')).toBe(secret);
  });

  it('uses a fresh data key and IV each time', async () => {
    const [a, b] = await Promise.all([seal(wrapper, secret, 'grant-1'), seal(wrapper, secret, 'grant-1')]);
    expect(a.key).not.toBe(b.key);
    expect(a.data).not.toBe(b.data);
  });

  it('does not open when copied onto another grant, altered, or opened with another master key', async () => {
    const sealed = await seal(wrapper, secret, 'grant-1');
    await expect(unseal(wrapper, sealed, 'grant-2')).rejects.toThrow();
    const flipped = Buffer.from(sealed.data, 'base64');
    flipped[0] = (flipped[0] ?? 0) ^ 1;
    await expect(unseal(wrapper, { ...sealed, data: flipped.toString('base64') }, 'grant-1')).rejects.toThrow();
    await expect(unseal(fileKeyWrapper(randomBytes(32)), sealed, 'grant-1')).rejects.toThrow();
  });

  it('refuses a master key that is not 32 bytes', () => {
    expect(() => fileKeyWrapper(randomBytes(16))).toThrow(/32 bytes/);
  });
});

describe('sealing a Google access token under its broker token', () => {
  const token = 'mcp-at-0123456789abcdef0123456789abcdef.secret-part-of-the-broker-token';

  it('opens only with the same broker token and context, never with what the table holds (its hash)', () => {
    const sealed = sealWithToken('ya29.google-access-token', token, 'grant-1');
    expect(JSON.stringify(sealed)).not.toContain('ya29');
    expect(openWithToken(sealed, token, 'grant-1')).toBe('ya29.google-access-token');
    expect(() => openWithToken(sealed, `${token}x`, 'grant-1')).toThrow();
    expect(() => openWithToken(sealed, hashSecret(token), 'grant-1')).toThrow();
    expect(() => openWithToken(sealed, token, 'grant-2')).toThrow();
  });
});
