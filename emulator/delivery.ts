import { randomBytes } from 'node:crypto';
import { invalidArgument } from './google-errors.ts';
import type { Mailbox, StoredMessage, UploadType } from './mailbox.ts';
import { parseMail, prependHeaders, removeHeader } from './message.ts';
import type { EmulatorState } from './state.ts';

/**
 * How mail gets into mailboxes: seeded by tests, or sent by a user and delivered to
 * every recipient the emulator knows, the way Gmail would between two of its users.
 */

export interface SeedInput {
  raw: Buffer;
  labelIds: readonly string[];
  threadId?: string | undefined;
  internalDate?: number | undefined;
  /** How many messages to store with this source (sharing it); the first is returned. */
  copies?: number | undefined;
}

/** Stores a message as received mail. Replies join their thread through References. */
export async function seedMessage(mailbox: Mailbox, input: SeedInput): Promise<StoredMessage> {
  const parsed = await parseMail(input.raw);
  const add = () =>
    mailbox.add({
      raw: input.raw,
      parsed,
      labelIds: input.labelIds,
      threadId: input.threadId,
      // Imported mail is dated by its Date header, so seeded fixtures keep their order.
      internalDate: input.internalDate ?? parsed.date ?? Date.now(),
      threadByReferences: true,
    });
  const first = add();
  for (let copy = 1; copy < (input.copies ?? 1); copy += 1) add();
  return first;
}

/** Gmail-style generated Message-ID, for sources that arrive without one. */
function generatedMessageId(): string {
  return `<CA${randomBytes(24).toString('base64url')}@mail.gmail.com>`;
}

/**
 * Sends `raw` as the mailbox owner: stores a SENT copy and delivers an INBOX/UNREAD copy
 * (without its Bcc header) to each recipient that is an emulator user, the sender too.
 */
export async function sendMessage(
  state: EmulatorState,
  sender: Mailbox,
  raw: Buffer,
  options: { threadId?: string | undefined; uploadType: UploadType },
): Promise<StoredMessage> {
  if (raw.length === 0) throw invalidArgument('Invalid value for ByteString: ');
  let parsed = await parseMail(raw);
  const recipients = [...parsed.to, ...parsed.cc, ...parsed.bcc]
    .map(({ address }) => address)
    .filter((address) => address !== '');
  if (recipients.length === 0) throw invalidArgument('Recipient address required');

  // Gmail completes what the client left out before storing the message.
  const added: string[] = [];
  if (parsed.messageId === '') added.push(`Message-ID: ${generatedMessageId()}`);
  if (parsed.from.length === 0) added.push(`From: ${sender.email}`);
  const stored = prependHeaders(raw, added);
  if (added.length > 0) parsed = await parseMail(stored);

  const now = Date.now();
  const message = sender.add({
    raw: stored,
    parsed,
    labelIds: ['SENT'],
    threadId: options.threadId,
    internalDate: now,
    threadByReferences: false,
  });
  sender.sent.push({
    id: message.id,
    threadId: message.threadId,
    labelIds: [...message.labelIds],
    raw: raw.toString('utf8'),
    uploadType: options.uploadType,
  });

  const delivered = removeHeader(stored, 'Bcc');
  const deliveredParsed = await parseMail(delivered);
  const seen = new Set<string>();
  for (const address of recipients) {
    const mailbox = state.mailbox(address);
    if (mailbox === undefined || seen.has(mailbox.email)) continue;
    seen.add(mailbox.email);
    mailbox.add({
      raw: delivered,
      parsed: deliveredParsed,
      labelIds: ['INBOX', 'UNREAD'],
      internalDate: now,
      // A copy to oneself lands in the thread of the sent message (same Message-ID).
      threadByReferences: true,
    });
  }
  return message;
}
