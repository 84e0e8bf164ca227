import type { gmail_v1 } from '@googleapis/gmail';
import { gmail } from '@googleapis/gmail';
import type { OAuth2ClientOptions } from 'google-auth-library';
import { OAuth2Client } from 'google-auth-library';
import { afterEach, beforeEach } from 'vitest';
import { EmulatorControl } from '../../../emulator/control-client.ts';
import { type GoogleEmulator, startGoogleEmulator } from '../../../emulator/server.ts';

/**
 * Shared wiring for the emulator tests: the official clients pointed at an emulator,
 * exactly as the broker points them at Google.
 */

/** The emulator of the running test: its base URL and its control client. */
export interface EmulatorUnderTest {
  url: string;
  control: EmulatorControl;
}

/**
 * Gives every test of the calling file a fresh emulator, prepared by `prepare` (users,
 * mail), and closes it after the test: read `url` and `control` on the returned object
 * inside tests (they change per test).
 */
export function useEmulator(prepare?: (control: EmulatorControl) => Promise<void>): Readonly<EmulatorUnderTest> {
  const current = {} as EmulatorUnderTest;
  let emulator: GoogleEmulator | undefined;
  beforeEach(async () => {
    emulator = await startGoogleEmulator();
    current.url = emulator.url;
    current.control = new EmulatorControl(emulator.url);
    await prepare?.(current.control);
  });
  afterEach(async () => {
    await emulator?.close();
    emulator = undefined;
  });
  return current;
}

/** An OAuth2Client whose token and tokeninfo endpoints are the emulator's. */
export function oauthClientFor(url: string, options: OAuth2ClientOptions = {}): OAuth2Client {
  return new OAuth2Client({
    ...options,
    endpoints: { oauth2TokenUrl: `${url}/token`, tokenInfoUrl: `${url}/tokeninfo` },
  });
}

/** The official Gmail client for a user holding `accessToken` (and maybe a refresh token). */
export function gmailFor(
  url: string,
  credentials: { access_token?: string; refresh_token?: string },
  options: OAuth2ClientOptions = {},
): gmail_v1.Gmail {
  const auth = oauthClientFor(url, options);
  auth.setCredentials(credentials);
  return gmail({ version: 'v1', auth, rootUrl: `${url}/` });
}

export interface MailFixture {
  from: string;
  to: string;
  subject: string;
  body?: string;
  date?: string;
  messageId?: string;
  extraHeaders?: string[];
}

/** A plain-text RFC 822 source with CRLF line ends. */
export function plainMail(fixture: MailFixture): string {
  const lines = [
    `From: ${fixture.from}`,
    `To: ${fixture.to}`,
    `Subject: ${fixture.subject}`,
    `Date: ${fixture.date ?? 'Mon, 02 Nov 2026 09:00:00 +0000'}`,
    ...(fixture.messageId === undefined ? [] : [`Message-ID: ${fixture.messageId}`]),
    ...(fixture.extraHeaders ?? []),
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=UTF-8',
    'Content-Transfer-Encoding: 7bit',
    '',
    fixture.body ?? 'Hello.',
  ];
  return `${lines.join('\r\n')}\r\n`;
}

/** base64url, as the Gmail API carries `raw`. */
export const toRaw = (source: string | Buffer) => Buffer.from(source).toString('base64url');
export const fromRaw = (raw: string | null | undefined) => Buffer.from(raw ?? '', 'base64url');

/** The response status and JSON body of a failed official-client call. */
export async function failureOf(call: Promise<unknown>): Promise<{ status: number; data: unknown; headers: Headers }> {
  try {
    await call;
  } catch (error) {
    const response = (error as { response?: { status: number; data: unknown; headers: Headers } }).response;
    if (response !== undefined) return response;
    throw error;
  }
  throw new Error('expected the call to fail');
}
