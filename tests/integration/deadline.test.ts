import { afterEach, describe, expect, inject, it } from 'vitest';
import { SAFETY_MARGIN_MS } from '#lib/deadline';
import { operations } from '#lib/operations';
import { buildHttpEvent } from '../../scripts/invoke/event.ts';
import { emulator, newUser, rfc822 } from '../support/api.ts';
import { invokeBundle } from '../support/lambda.ts';

/**
 * The deadline comes from the Lambda context: each function is invoked as the runtime does
 * (a fresh process, the built bundle, a context whose clock says little time is left) while
 * the Google emulator holds its answers back for longer than that. The work must be cut to
 * fit, and the answer must come, clean, before the runtime would have killed it.
 */

/** The emulator holds these answers back longer than any invocation below has. */
const SLOW_MS = 8_000;
/** What the runtime's clock says is left when the invocation begins. */
const REMAINING_MS = 3_000;

const env = () => ({
  LOG_LEVEL: 'ERROR',
  GMAIL_API_URL: `${inject('emulatorUrl')}/`,
  GOOGLE_OAUTH_URL: `${inject('emulatorUrl')}/`,
  GOOGLE_CLIENT_ID: inject('googleClientId'),
  TABLE_NAME: inject('tableName'),
  DYNAMODB_ENDPOINT: inject('dynamoEndpoint'),
  TOKEN_KEY_FILE: inject('tokenKeyFile'),
});

const MAIL = rfc822([
  'From: a@example.com',
  'To: b@example.com',
  'Subject: Slow',
  'Content-Type: text/plain',
  '',
  'Hi',
]);

function json(answer: { body?: string | undefined }) {
  return JSON.parse(answer.body ?? '');
}

describe('the deadline from the Lambda context', () => {
  afterEach(async () => {
    await emulator.setLatency(0);
  });

  /** Unread mail of a fresh user with `messages` in the inbox, while Gmail paths matching `slowPaths` are slow. */
  async function unreadWhileSlow(slowPaths: string, messages: number) {
    const user = await newUser();
    for (let i = 0; i < messages; i += 1) await emulator.seedMessage({ email: user.email, raw: MAIL });
    await emulator.setLatency(SLOW_MS, slowPaths);
    const event = buildHttpEvent({ operation: operations.get_unread_emails, data: {}, token: user.token });
    return invokeBundle('get_unread_emails', event, { remainingMs: REMAINING_MS, env: env() });
  }

  it('answers 504 deadline_exceeded before the remaining time is up when Gmail is slow on every call', async () => {
    const { answer, elapsedMs } = await unreadWhileSlow('^/gmail/', 1);

    expect(answer.statusCode).toBe(504);
    expect(json(answer)).toEqual({
      success: false,
      error: { code: 'deadline_exceeded', message: expect.stringMatching(/ran out of time/) },
    });
    // Cut at the deadline (the remaining time less the margin), not at Gmail's pace.
    expect(elapsedMs).toBeGreaterThanOrEqual(REMAINING_MS - SAFETY_MARGIN_MS - 50);
    expect(elapsedMs).toBeLessThan(REMAINING_MS);
  });

  it('answers the page with each slow message marked, inside the remaining time, when only the fetches are slow', async () => {
    // The list answers at once; each message's fetch is held back.
    const { answer, elapsedMs } = await unreadWhileSlow('^/gmail/v1/users/[^/]+/messages/[^/]+$', 2);

    expect(answer.statusCode).toBe(200);
    const page = json(answer);
    expect(page.count).toBe(2);
    for (const email of page.emails) {
      expect(email.body_error).toMatch(/not read: Gmail did not deliver it within its share of the time/);
    }
    expect(elapsedMs).toBeLessThan(REMAINING_MS - SAFETY_MARGIN_MS);
  });

  it.each([
    ["Gmail's send", '/messages/send$'],
    ["Google's token check (tokeninfo, before the send)", '^/tokeninfo$'],
  ])(
    'cuts a send to the remaining time when %s is slow, and answers 504, not a Lambda timeout',
    async (_, slowPath) => {
      const user = await newUser();
      await emulator.setLatency(SLOW_MS, slowPath);
      const event = buildHttpEvent({
        operation: operations.send_email,
        data: { to: 'b@example.com', subject: 'Slow', body: 'Hi' },
        token: user.token,
      });

      const { answer, elapsedMs } = await invokeBundle('send_email', event, { remainingMs: REMAINING_MS, env: env() });

      expect(answer.statusCode).toBe(504);
      expect(json(answer).error.code).toBe('deadline_exceeded');
      expect(elapsedMs).toBeLessThan(REMAINING_MS);
    },
  );
});
