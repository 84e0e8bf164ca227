import { randomUUID } from 'node:crypto';
import PostalMime from 'postal-mime';
import { expect } from 'vitest';
import type { CreatedUser, SeededMessage, SeedMessageInput } from '../../emulator/control-client.ts';
import { type ApiAnswer, emulator, post, rfc822 } from './api.ts';

/** A mail arriving for a test user: the headers a test cares about, and its text. */
export interface ArrivingMail {
  /** The From header: Ana unless told (most tests do not care who wrote). */
  from?: string | undefined;
  /** The To header: the user alone unless told. */
  to?: string | undefined;
  subject: string;
  messageId?: string | undefined;
  /** The References header: the Message-IDs this mail answers, oldest first. */
  references?: string | undefined;
  /** Any further header lines (MIME-Version, Content-Type, …), after the ones above. */
  headers?: string[];
  /** Everything after the blank line. */
  body: string;
}

function sourceFor(email: string, mail: ArrivingMail): string {
  return rfc822([
    `From: ${mail.from ?? 'Ana <ana@example.com>'}`,
    `To: ${mail.to ?? email}`,
    `Subject: ${mail.subject}`,
    ...(mail.messageId ? [`Message-ID: ${mail.messageId}`] : []),
    ...(mail.references ? [`References: ${mail.references}`] : []),
    ...(mail.headers ?? []),
    '',
    mail.body,
  ]);
}

/** How a seeded mail is filed (labels, thread, received time): all but its source. */
export type Arrival = Omit<SeedMessageInput, 'email' | 'raw' | 'rawBase64'>;

/**
 * Puts a mail into the user's inbox (INBOX, UNREAD unless `arrival` says otherwise) as if it
 * had just arrived. `mail` is either a ready RFC 822 source or the parts of one.
 */
export function receive(user: CreatedUser, mail: string | ArrivingMail, arrival: Arrival = {}): Promise<SeededMessage> {
  const raw = typeof mail === 'string' ? mail : sourceFor(user.email, mail);
  return emulator.seedMessage({ email: user.email, raw, ...arrival });
}

/** What a reply test may change about the mail it answers. */
export type Original = Partial<Pick<ArrivingMail, 'from' | 'to' | 'subject' | 'messageId' | 'references'>> & {
  cc?: string;
  replyTo?: string;
  date?: string;
};

/**
 * Puts into the user's inbox a mail for a test to reply to: Bob, writing to someone else,
 * asks for the Q4 report, under a fresh Message-ID unless `original` says otherwise.
 */
export function receiveOriginal(user: CreatedUser, original: Original = {}, arrival: Arrival = {}) {
  const { cc, replyTo, date = 'Mon, 09 Nov 2026 10:00:00 +0000', ...parts } = original;
  const headers = [
    ...(cc ? [`Cc: ${cc}`] : []),
    ...(replyTo ? [`Reply-To: ${replyTo}`] : []),
    `Date: ${date}`,
    'Content-Type: text/plain; charset=UTF-8',
  ];
  const mail = {
    from: 'Bob Boss <boss@example.com>',
    to: 'someone@example.com',
    subject: 'Q4 report',
    messageId: `<${randomUUID()}@example.com>`,
    ...parts,
    headers,
    body: 'Can you send the Q4 report?',
  };
  return receive(user, mail, arrival);
}

/** The original as the third mail of a thread, for the tests of a reply's threading headers. */
export const THIRD_IN_THREAD = {
  subject: 'Q4 report',
  messageId: '<m3@example.com>',
  references: '<m1@example.com> <m2@example.com>',
} satisfies Original;

/** The last mail the user sent, as stored and parsed. */
export async function lastSent(user: CreatedUser) {
  const message = (await emulator.sent(user.email)).at(-1);
  if (!message) throw new Error('nothing was sent');
  return { message, parsed: await PostalMime.parse(message.raw) };
}

/**
 * Checks that the user's last sent mail answers `original` (seeded from THIRD_IN_THREAD) as
 * mail clients thread it: in its Gmail thread, In-Reply-To its Message-ID, References the
 * whole chain, one "Re: ". Returns the parsed mail for the test's own checks.
 */
export async function expectReplyInThread(user: CreatedUser, original: SeededMessage) {
  const { message, parsed } = await lastSent(user);
  expect(message.threadId).toBe(original.threadId);
  expect(parsed.inReplyTo).toBe('<m3@example.com>');
  expect(parsed.references?.split(/\s+/)).toEqual(['<m1@example.com>', '<m2@example.com>', '<m3@example.com>']);
  expect(parsed.subject).toBe('Re: Q4 report');
  return parsed;
}

/**
 * Sends a mail through the broker from the user to their own address, so a test can read
 * back what arrived (or check that nothing was sent) in one mailbox.
 */
export function sendToSelf(user: CreatedUser, mail: Record<string, unknown>): Promise<ApiAnswer> {
  return post('/api/email/send', { token: user.token, body: { to: user.email, ...mail } });
}
