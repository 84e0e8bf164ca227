import { isBrokerError } from '../errors.ts';
import { MESSAGE_BODY_BYTES } from '../schemas/email.ts';
import type { GmailClient } from './client.ts';
import { gmailCall } from './errors.ts';
import { convertHtml } from './html-to-text.ts';
import { decodeMailText } from './mail-text.ts';
import { type Truncated, truncateText } from './parse.ts';
import type { MessageParts, Part } from './part-tree.ts';
import { charsetOf } from './payload.ts';

/**
 * A message's readable body from Gmail's `format=full` part tree: only the text parts are
 * read (attachments never are), small ones from the tree itself, larger ones through
 * `messages.attachments.get` by `body.attachmentId`, within a byte budget per message
 * ({@link MESSAGE_BODY_BYTES}) spent on whole parts, in document order, while they fit: the
 * ones past it are left unread, and a body whose first text part alone is larger is not
 * read at all. (attachments.get has no byte range: a part is fetched whole or not at all,
 * so this is how what one message costs in memory is bounded.) Anything that stops the body
 * being read is a {@link BodyUnreadable} naming why, so the caller can still answer with the
 * message's headers; {@link bodyFailure} says it in words. The listing (get_unread_emails,
 * search_emails) and read_email both read bodies here, from the text parts the one part-tree
 * walk found (part-tree.ts: attachments are never body text).
 */

/**
 * Why a body could not be read; the message says it in words for the reader. Not a
 * BrokerError: it never reaches the error mapping, since {@link bodyFailure} turns it into
 * that message's `bodyError` and the answer goes on with the rest.
 */
export class BodyUnreadable extends Error {
  override readonly name = 'BodyUnreadable';
}

/** Where to read a message's body from, and how. */
export interface BodySource {
  gmail: GmailClient;
  messageId: string;
  signal: AbortSignal;
}

/**
 * A text part's bytes: inline `body.data` (UTF-8, as Gmail transcodes it), else fetched by
 * attachment id. Whether Gmail transcodes that too is undocumented; the emulator assumes
 * it does not (the original bytes), and decodeMailText reads a part right either way.
 */
async function partBytes(source: BodySource, part: Part): Promise<Buffer> {
  if (part.body?.data) return Buffer.from(part.body.data, 'base64url');
  const id = part.body?.attachmentId;
  if (!id) return Buffer.alloc(0);
  const { data } = await gmailCall({}, () =>
    source.gmail.users.messages.attachments.get(
      { userId: 'me', messageId: source.messageId, id, fields: 'data' },
      { signal: source.signal },
    ),
  );
  return Buffer.from(data.data ?? '', 'base64url');
}

const sizeOf = (part: Part) => part.body?.size ?? 0;
const bytesOf = (parts: Part[]) => parts.reduce((sum, part) => sum + sizeOf(part), 0);

/** True when reading this body takes a Gmail call: a text part Gmail left out of the tree. */
export function fetchesParts({ plain, html }: MessageParts): boolean {
  // A refused tree has no text parts: it is never fetched.
  return [...plain, ...html].some((part) => !part.body?.data && Boolean(part.body?.attachmentId));
}

/** The parts of one kind that fit the budget, or why none do. */
function withinBudget(parts: Part[]): Part[] {
  const chosen: Part[] = [];
  let total = 0;
  for (const part of parts.filter((candidate) => sizeOf(candidate) > 0)) {
    if (total + sizeOf(part) > MESSAGE_BODY_BYTES) break;
    total += sizeOf(part);
    chosen.push(part);
  }
  return chosen;
}

async function readParts(source: BodySource, parts: Part[]): Promise<string> {
  const bytes = await Promise.all(parts.map((part) => partBytes(source, part)));
  return bytes.map((content, index) => decodeMailText(content, charsetOf(parts[index] as Part))).join('\n');
}

/** A message's readable text as read. */
export interface BodyText extends Truncated {
  /** Bytes of text parts left unread past {@link MESSAGE_BODY_BYTES}: the text stops before them. */
  unreadBytes: number;
}

/**
 * Reads the readable body of a `format=full` message from its walked `parts`, cut to
 * `maxChars` (`truncated`): the text/plain parts when they say anything, else the HTML
 * converted to text. Text parts past {@link MESSAGE_BODY_BYTES} in all are left unread
 * (`unreadBytes`).
 *
 * @throws BodyUnreadable when the structure is refused or no text part fits the budget.
 * @throws BrokerError when fetching a part fails (the caller decides what that costs).
 */
export async function readBody(source: BodySource, parts: MessageParts, maxChars: number): Promise<BodyText> {
  const { plain, html, refused } = parts;
  if (refused) throw new BodyUnreadable(refused);
  const plainChosen = withinBudget(plain);
  const htmlChosen = withinBudget(html);
  const hasPlain = plain.some((part) => sizeOf(part) > 0);
  const hasHtml = html.some((part) => sizeOf(part) > 0);
  if ((hasPlain || hasHtml) && plainChosen.length === 0 && htmlChosen.length === 0) {
    const size = Math.min(...[...plain, ...html].map(sizeOf).filter((value) => value > 0));
    throw new BodyUnreadable(`its text is ${size} bytes, more than the ${MESSAGE_BODY_BYTES} read per message`);
  }
  const unreadBytes = (chosen: Part[], all: Part[]) => bytesOf(all) - bytesOf(chosen);

  if (plainChosen.length > 0) {
    const text = (await readParts(source, plainChosen)).replace(/\r\n?/g, '\n').trim();
    if (text) return { ...truncateText(text, maxChars), unreadBytes: unreadBytes(plainChosen, plain) };
  }
  if (htmlChosen.length === 0) return { text: '', truncated: false, unreadBytes: 0 };
  // The byte budget already bounds the HTML read, so the converter reads all of it.
  const converted = convertHtml(await readParts(source, htmlChosen), {
    maxInputChars: Number.POSITIVE_INFINITY,
    maxOutputChars: maxChars,
  });
  const cut = truncateText(converted.text, maxChars);
  return {
    text: cut.text,
    truncated: cut.truncated || converted.truncated,
    unreadBytes: unreadBytes(htmlChosen, html),
  };
}

/** Failures that are the caller's, not the message's: they fail the whole answer (a 401 makes ChatGPT refresh). */
const CALLER_FAILURES = new Set(['invalid_token', 'missing_token', 'insufficient_scope']);

/** True for the caller's own credential failures ({@link CALLER_FAILURES}): no message may hide them. */
export const isCallerFailure = (error: unknown): boolean => isBrokerError(error) && CALLER_FAILURES.has(error.kind);

/**
 * What a reader is told when one message's body could not be read, so the answer can go on
 * with the other messages. Rethrows what one message must not hide: the caller's own
 * credential failures, and the end of the whole operation (`operation` aborted). `own` is
 * the message's share of the time.
 */
export function bodyFailure(error: unknown, operation: AbortSignal, own: AbortSignal): string {
  // First: why this body was refused is known whether or not the operation has run out of time.
  if (error instanceof BodyUnreadable) return `The body was not read: ${error.message}.`;
  if (operation.aborted || isCallerFailure(error)) throw error;
  if (own.aborted) return 'The body was not read: Gmail did not deliver it within its share of the time.';
  if (isBrokerError(error)) return `The body was not read: ${error.message}`;
  return 'The body was not read: the message could not be parsed.';
}
