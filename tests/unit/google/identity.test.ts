import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '#lib/config';
import { IDENTITY_CACHE_MS, identifyUser, subjectOf } from '#lib/google/identity';
import { SCOPES } from '#lib/google/scopes';
import { EmulatorControl } from '../../../emulator/control-client.ts';
import { type GoogleEmulator, startGoogleEmulator } from '../../../emulator/server.ts';

const CLIENT = 'broker-client.apps.googleusercontent.com';

describe('identifyUser: who a Google token belongs to, failing closed', () => {
  let emulator: GoogleEmulator;
  let control: EmulatorControl;
  const config = () => parseConfig({ GOOGLE_OAUTH_URL: `${emulator.url}/`, GOOGLE_CLIENT_ID: CLIENT });
  const user = (input: { clientId?: string; scopes?: string[] } = {}) =>
    control.createUser({
      email: `u-${Math.random().toString(36).slice(2)}@example.com`,
      clientId: input.clientId ?? CLIENT,
      clientSecret: 'secret',
      ...(input.scopes ? { scopes: input.scopes } : {}),
    });

  beforeAll(async () => {
    emulator = await startGoogleEmulator({ port: 0, seedDemo: false });
    control = new EmulatorControl(emulator.url);
  });
  afterAll(() => emulator.close());

  it("names the user of a token issued to the broker's own client with an identity scope", async () => {
    const signedIn = await user();
    const identity = await identifyUser({ accessToken: signedIn.token }, config());
    expect(identity).toMatchObject({ id: expect.any(String), email: signedIn.email });
  });

  it('refuses every token when the broker has no client id: not_configured, and asks Google nothing', async () => {
    const signedIn = await user();
    await control.clearRequests();
    const unconfigured = parseConfig({ GOOGLE_OAUTH_URL: `${emulator.url}/` });
    await expect(identifyUser({ accessToken: signedIn.token }, unconfigured)).rejects.toMatchObject({
      kind: 'not_configured',
    });
    expect(await control.requests()).toEqual([]);
  });

  it('refuses a token issued to another application', async () => {
    const stranger = await user({ clientId: 'other-app.apps.googleusercontent.com' });
    await expect(identifyUser({ accessToken: stranger.token }, config())).rejects.toMatchObject({
      kind: 'invalid_token',
      message: expect.stringMatching(/another application/),
    });
  });

  it('refuses a token without an identity scope, naming the scope it needs', async () => {
    const sendOnly = await user({ scopes: [SCOPES.send] });
    await expect(identifyUser({ accessToken: sendOnly.token }, config())).rejects.toMatchObject({
      kind: 'insufficient_scope',
      details: { scope: SCOPES.email },
    });
  });

  it('asks Google again once the identity has been cached for IDENTITY_CACHE_MS, so a revoked token stops working', async () => {
    const signedIn = await user();
    const start = Date.now();
    await identifyUser({ accessToken: signedIn.token }, config(), start);
    await control.revokeToken(signedIn.token);
    // Within the cache window the answer is remembered; past it Google is asked and says no.
    await expect(identifyUser({ accessToken: signedIn.token }, config(), start + 1_000)).resolves.toBeDefined();
    await expect(
      identifyUser({ accessToken: signedIn.token }, config(), start + IDENTITY_CACHE_MS + 1),
    ).rejects.toMatchObject({ kind: 'invalid_token' });
  });

  it('subjectOf names the account behind any of its tokens, even a send-only one, asking Google once per token', async () => {
    const signedIn = await user();
    const refreshed = await control.createUser({ email: signedIn.email, clientId: CLIENT, clientSecret: 'secret' });
    const sendOnly = await control.createUser({
      email: signedIn.email,
      clientId: 'other-app.apps.googleusercontent.com',
      scopes: [SCOPES.send],
    });
    await control.clearRequests();
    const subject = await subjectOf({ accessToken: signedIn.token }, config());
    expect(subject).toBe((await identifyUser({ accessToken: signedIn.token }, config())).id);
    expect(await subjectOf({ accessToken: refreshed.token }, config())).toBe(subject);
    expect(await subjectOf({ accessToken: sendOnly.token }, config())).toBe(subject);
    expect(await subjectOf({ accessToken: sendOnly.token }, config())).toBe(subject);
    // Three tokens, three tokeninfo round trips: the repeat calls were answered from the cache.
    const asked = (await control.requests()).filter((request) => request.path.includes('tokeninfo'));
    expect(asked).toHaveLength(3);
    const other = await user();
    expect(await subjectOf({ accessToken: other.token }, config())).not.toBe(subject);
  });
});
