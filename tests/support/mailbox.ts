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

/**
 * Sends a mail through the broker from the user to their own address, so a test can read
 * back what arrived (or check that nothing was sent) in one mailbox.
 */
export function sendToSelf(user: CreatedUser, mail: Record<string, unknown>): Promise<ApiAnswer> {
  return post('/api/email/send', { token: user.token, body: { to: user.email, ...mail } });
}
