import { OAuth2Client } from 'google-auth-library';
import { describe, expect, it } from 'vitest';
import { AUTHORIZE_PATH } from '../../../emulator/authorize-routes.ts';
import { useEmulator } from './support.ts';

/** Google's authorization endpoint and code grant, driven by google-auth-library as a web app would. */

const google = useEmulator(async (control) => {
  await control.createUser({ email: 'first@example.com' });
  await control.createUser({ email: 'second@example.com' });
});

const REDIRECT = 'https://broker.example/oauth/google/callback';
const SCOPES = ['https://www.googleapis.com/auth/gmail.readonly', 'email'];

function clientFor() {
  return new OAuth2Client({
    clientId: 'broker.apps.googleusercontent.com',
    clientSecret: 'broker-secret',
    redirectUri: REDIRECT,
    endpoints: {
      oauth2AuthBaseUrl: `${google.url}${AUTHORIZE_PATH}`,
      oauth2TokenUrl: `${google.url}/token`,
      tokenInfoUrl: `${google.url}/tokeninfo`,
    },
  });
}

/** Opens the authorization URL; the emulator consents at once and redirects back. */
async function consent(url: string): Promise<URL> {
  const response = await fetch(url, { redirect: 'manual' });
  expect(response.status).toBe(302);
  return new URL(response.headers.get('location') ?? '');
}

describe("the emulator's authorization endpoint", () => {
  it('consents as the chosen user with PKCE, and the code becomes a refreshable grant for that client', async () => {
    await google.control.setConsentUser('second@example.com');
    const client = clientFor();
    const { codeVerifier, codeChallenge } = await client.generateCodeVerifierAsync();
    const back = await consent(
      client.generateAuthUrl({
        scope: SCOPES,
        access_type: 'offline',
        state: 'xyz',
        code_challenge: codeChallenge ?? '',
        code_challenge_method: 'S256' as never,
      }),
    );
    expect(back.origin + back.pathname).toBe(REDIRECT);
    expect(back.searchParams.get('state')).toBe('xyz');

    const { tokens } = await client.getToken({ code: back.searchParams.get('code') ?? '', codeVerifier });
    expect(tokens.refresh_token).toMatch(/^1\/\/emu-/);
    const info = await client.getTokenInfo(tokens.access_token ?? '');
    expect(info.email).toBe('second@example.com');
    expect(info.aud).toBe('broker.apps.googleusercontent.com');

    client.setCredentials({ refresh_token: tokens.refresh_token ?? null });
    expect((await client.getAccessToken()).token).toMatch(/^ya29\.emu-/);
    expect(await google.control.revokeGrants('second@example.com')).toBeGreaterThan(0);
    client.setCredentials({ refresh_token: tokens.refresh_token ?? null });
    await expect(client.getAccessToken()).rejects.toThrow(/invalid_grant/);
  });

  it('takes login_hint over the chosen user, and refuses a wrong verifier and a second redemption', async () => {
    await google.control.setConsentUser('second@example.com');
    const client = clientFor();
    const { codeVerifier, codeChallenge } = await client.generateCodeVerifierAsync();
    const url = client.generateAuthUrl({
      scope: SCOPES,
      login_hint: 'first@example.com',
      code_challenge: codeChallenge ?? '',
      code_challenge_method: 'S256' as never,
    });
    const code = (await consent(url)).searchParams.get('code') ?? '';
    await expect(
      client.getToken({ code, codeVerifier: 'not-the-verifier-at-all-0000000000000000000' }),
    ).rejects.toThrow(/invalid_grant/);

    const second = (await consent(url)).searchParams.get('code') ?? '';
    const { tokens } = await client.getToken({ code: second, codeVerifier });
    expect((await client.getTokenInfo(tokens.access_token ?? '')).email).toBe('first@example.com');
    await expect(client.getToken({ code: second, codeVerifier })).rejects.toThrow(/invalid_grant/);
  });
});
