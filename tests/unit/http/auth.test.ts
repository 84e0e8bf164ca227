import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createGmailClient } from '#lib/gmail/client';
import { listUnread } from '#lib/gmail/unread';
import { type ApiRequest, apiHandler } from '#lib/http/api-handler';
import { operations } from '#lib/operations';
import { EmulatorControl } from '../../../emulator/control-client.ts';
import { type GoogleEmulator, startGoogleEmulator } from '../../../emulator/server.ts';
import { runHandler } from '../catalog/support.ts';
import { apiEvent, bearerOf, logsOfEachTest } from './support.ts';

/**
 * Where the stack takes the caller's Google token from, and what it answers when there is
 * none or Google rejects it. Google is the embedded emulator on a free port; the broker's
 * config points at it as it would at Google.
 */

let google: GoogleEmulator;
let control: EmulatorControl;

beforeAll(async () => {
  google = await startGoogleEmulator();
  control = new EmulatorControl(google.url);
  // Before the first request of this file: the config is read once per cold start.
  vi.stubEnv('GMAIL_API_URL', `${google.url}/`);
  vi.stubEnv('GOOGLE_OAUTH_URL', `${google.url}/`);
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await google?.close();
});

const logs = logsOfEachTest();

function recordingHandler() {
  const seen: Array<ApiRequest<unknown>['credentials']> = [];
  const handler = apiHandler(operations.get_unread_emails, async ({ credentials }) => {
    seen.push(credentials);
    return {};
  });
  return { handler, seen };
}

const headerEvent = () => apiEvent('send-email');
const bodyEvent = () => apiEvent('unread-emails-body-credentials');
const bodyToken = () => {
  const event = bodyEvent();
  return JSON.parse(Buffer.from(event.body ?? '', 'base64').toString('utf8')).user_credentials.access_token as string;
};

describe("the caller's Google token", () => {
  it('comes from Authorization: Bearer (what GPT Actions send)', async () => {
    const event = headerEvent();
    const { handler, seen } = recordingHandler();
    expect((await runHandler(handler, event)).status).toBe(200);
    expect(seen).toEqual([{ accessToken: bearerOf(event) }]);
  });

  it("comes from the body's user_credentials (the original API's clients)", async () => {
    const { handler, seen } = recordingHandler();
    expect((await runHandler(handler, bodyEvent())).status).toBe(200);
    expect(seen).toEqual([{ accessToken: bodyToken() }]);
  });

  it('comes from the header when both are sent; the body may still add a refresh token', async () => {
    const header = headerEvent();
    const body = JSON.stringify({
      user_credentials: { access_token: bodyToken(), refresh_token: '1//0gBodyRefreshTokenFixture' },
    });
    const { handler, seen } = recordingHandler();
    expect((await runHandler(handler, apiEvent('send-email', { body }))).status).toBe(200);
    expect(seen).toEqual([{ accessToken: bearerOf(header), refreshToken: '1//0gBodyRefreshTokenFixture' }]);
  });

  it.each([
    ['no token at all', { authorization: undefined }],
    ['another scheme', { authorization: 'Basic dXNlcjpwYXNz' }],
    ['Bearer without a token', { authorization: 'Bearer ' }],
  ])(
    'is missing with %s: 401 missing_token with a Bearer challenge, and the handler never runs',
    async (_, headers) => {
      const { handler, seen } = recordingHandler();
      const answer = await runHandler(handler, apiEvent('send-email', { headers }));
      expect(answer.status).toBe(401);
      expect(answer.json).toMatchObject({ success: false, error: { code: 'missing_token' } });
      expect(answer.headers['WWW-Authenticate']).toMatch(/^Bearer realm="[^"]+"$/);
      expect(seen).toHaveLength(0);
    },
  );

  it('is refused with 400 when user_credentials has no usable access_token', async () => {
    const { handler, seen } = recordingHandler();
    const body = JSON.stringify({ user_credentials: { access_token: '' } });
    const answer = await runHandler(
      handler,
      apiEvent('unread-emails-body-credentials', { body, isBase64Encoded: false }),
    );
    expect(answer.status).toBe(400);
    expect(answer.json.error.code).toBe('invalid_request');
    expect(seen).toHaveLength(0);
  });
});

describe('a token Google rejects', () => {
  it('answers 401 with WWW-Authenticate: Bearer error="invalid_token", so ChatGPT refreshes, and logs no token', async () => {
    const user = await control.createUser({ email: 'revoked@example.com' });
    await control.revokeToken(user.token);
    const handler = apiHandler(operations.get_unread_emails, async ({ body, credentials, config }) => ({
      emails: (await listUnread(createGmailClient(credentials, config), body)).emails,
    }));
    const answer = await runHandler(
      handler,
      apiEvent('send-email', { headers: { authorization: `Bearer ${user.token}` }, body: '{}' }),
    );
    expect(answer.status).toBe(401);
    expect(answer.json).toMatchObject({ success: false, error: { code: 'invalid_token' } });
    expect(answer.headers['WWW-Authenticate']).toMatch(/^Bearer .*error="invalid_token"/);
    expect(answer.text).not.toContain(user.token);
    expect(logs.entries().some((entry) => entry.status === 401)).toBe(true);
    expect(logs.text()).not.toContain(user.token);
  });
});
