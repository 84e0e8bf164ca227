import type { gmail_v1 } from '@googleapis/gmail';
import { BrokerError } from '../errors.ts';
import { MESSAGE_BODY_BYTES } from '../schemas/email.ts';
import { DEFAULT_READ_CHARS, type ReadEmailRequest, type ReadMessage } from '../schemas/mailbox.ts';
import type { GmailClient } from './client.ts';
import { deadlineShareMs, deadlineSignal, gmailOperation } from './deadline.ts';
import { gmailCall } from './errors.ts';
import { bodyFailure, fetchesParts, isCallerFailure, readBody } from './message-body.ts';
import { truncateText } from './parse.ts';
import { type MessageParts, messageParts } from './part-tree.ts';
import { attachmentsOf, messageSummary, shownHeaders } from './payload.ts';

/** Most messages one read answers with; a longer thread continues through `next_cursor`. */
export const MAX_MESSAGES_PER_READ = 50;

/** One read: the messages shown and where to continue, if anything is left. */
export interface ReadResult {
  thread_id: string;
  messages: ReadMessage[];
  next_cursor: string | null;
}

/** Where a read starts: the index of a message and a character offset in its text. */
export interface ReadStart {
  index: number;
  offset: number;
}

/**
 * Where `cursor` (a `next_cursor` of an earlier read) continues in `messages`; the start
 * when there is none.
 *
 * @throws BrokerError `invalid_request` when the cursor names no message of this email or thread.
 */
export function readStart(messages: gmail_v1.Schema$Message[], cursor: string | null | undefined): ReadStart {
  if (!cursor) return { index: 0, offset: 0 };
  const dot = cursor.lastIndexOf('.');
  const messageId = cursor.slice(0, dot);
  const index = messages.findIndex((message) => message.id === messageId);
  if (index === -1) {
    throw new BrokerError(
      'invalid_request',
      'The cursor does not belong to this email or thread; read from the start.',
      {
        details: [{ field: 'cursor', message: 'not from this email or thread' }],
      },
    );
  }
  return { index, offset: Number(cursor.slice(dot + 1)) };
}

const cursorAt = (messageId: string, offset: number) => `${messageId}.${offset}`;

/** Gmail lists a thread oldest first; sort by received time anyway, keeping its order for ties. */
function oldestFirst(messages: gmail_v1.Schema$Message[]): gmail_v1.Schema$Message[] {
  return messages
    .map((message, index) => ({ message, index, at: Number(message.internalDate) || 0 }))
    .sort((a, b) => a.at - b.at || a.index - b.index)
    .map(({ message }) => message);
}

/** One message's text as read_email shows it: all of it read, or why not (all or in part). */
export interface MessageText {
  text: string;
  error: string | null;
}

/**
 * What a reader answers when the read's own time (the operation's deadline), not the
 * message's share of it, ran out before the message was read: the answer ends there.
 */
export const TIME_UP = 'time_up';

/** Reads one message's text from its walked parts; a reader never throws for one message's sake. */
export type TextReader = (
  message: gmail_v1.Schema$Message,
  parts: MessageParts,
) => Promise<MessageText | typeof TIME_UP>;

/** What the first message of an answer says when the read's time ran out before its body came. */
export const READ_AGAIN =
  'The body was not read: Gmail did not deliver it before the time for this answer ran out. Pass next_cursor as cursor to read it again.';

/**
 * Lays the messages out within a budget of `maxChars` body characters, from `start` on:
 * whole messages while they fit, then the start of the next one, cut, with a cursor to its
 * remaining text. At most {@link MAX_MESSAGES_PER_READ} messages per answer. Each message
 * shown is read (`readText`) in turn, and its text dropped once its piece is cut, so only
 * one whole body is held at a time. Its part tree is walked once, for both its text and its
 * attachments: a tree over the walker's limits lists none, and its reader says why.
 *
 * When the read's time runs out ({@link TIME_UP}) the answer ends before that message, with
 * a cursor to it. If it is the first message of the answer, it is shown with its headers and
 * {@link READ_AGAIN}, and the cursor points at it again: every answer shows at least one
 * message, and a message the time cut is never skipped.
 */
export async function pageOfMessages(
  messages: gmail_v1.Schema$Message[],
  maxChars: number,
  start: ReadStart,
  readText: TextReader,
): Promise<{ messages: ReadMessage[]; next_cursor: string | null }> {
  const shown: ReadMessage[] = [];
  let budget = maxChars;
  for (let index = start.index; index < messages.length; index += 1) {
    const message = messages[index] as gmail_v1.Schema$Message;
    const id = message.id ?? '';
    const offset = index === start.index ? start.offset : 0;
    if (shown.length >= MAX_MESSAGES_PER_READ || budget <= 0)
      return { messages: shown, next_cursor: cursorAt(id, offset) };
    const view = shownHeaders(message);
    const parts = messageParts(message.payload);
    const read = await readText(message, parts);
    if (read === TIME_UP && shown.length > 0) return { messages: shown, next_cursor: cursorAt(id, offset) };
    const { text, error } = read === TIME_UP ? { text: '', error: READ_AGAIN } : read;
    const piece = truncateText(text.slice(offset), budget);
    shown.push({
      ...messageSummary(message, view),
      body: piece.text,
      body_offset: Math.min(offset, text.length),
      body_length: text.length,
      body_truncated: piece.truncated,
      body_error: error,
      attachments: attachmentsOf(parts),
    });
    budget -= piece.text.length;
    if (read === TIME_UP) return { messages: shown, next_cursor: cursorAt(id, offset) };
    if (piece.truncated) return { messages: shown, next_cursor: cursorAt(id, offset + piece.text.length) };
  }
  return { messages: shown, next_cursor: null };
}

/** What a reader is told of a text that ends at the byte budget. */
const partlyRead = (unreadBytes: number) =>
  `The text ends early: its last ${unreadBytes} bytes were not read (at most ${MESSAGE_BODY_BYTES} bytes of text are read per message).`;

/**
 * The reader of a read's messages: each body through {@link readBody}, whole (a read pages
 * by cursor, so nothing is cut to the answer here), the text parts Gmail left out of the
 * tree fetched by attachment id. Each message that needs a fetch has an equal share of the
 * time among those `window` (the messages one answer may show) holds, so one slow message
 * cannot use up the others'; what stops a body (or the rest of one past the byte budget)
 * becomes its `error`. The shares of a long window add up past the operation's deadline
 * (each is at least 2 s): when Gmail is slow on every message, the deadline (`signal`) ends
 * the answer instead ({@link TIME_UP}), and the next one goes on from there.
 */
function textReader(gmail: GmailClient, window: gmail_v1.Schema$Message[], signal: AbortSignal): TextReader {
  const shareMs = deadlineShareMs(window.filter((message) => fetchesParts(messageParts(message.payload))).length);
  return async (message, parts) => {
    const own = deadlineSignal(shareMs);
    const source = { gmail, messageId: message.id ?? '', signal: AbortSignal.any([signal, own]) };
    try {
      const body = await readBody(source, parts, Number.POSITIVE_INFINITY);
      return { text: body.text, error: body.unreadBytes > 0 ? partlyRead(body.unreadBytes) : null };
    } catch (error) {
      if (signal.aborted && !isCallerFailure(error)) return TIME_UP;
      return { text: '', error: bodyFailure(error, signal, own) };
    }
  };
}

/** One answer of a read of `messages` (oldest first), from `cursor` on. */
async function readPage(
  gmail: GmailClient,
  messages: gmail_v1.Schema$Message[],
  input: ReadEmailRequest,
  signal: AbortSignal,
): Promise<{ messages: ReadMessage[]; next_cursor: string | null }> {
  const start = readStart(messages, input.cursor);
  const window = messages.slice(start.index, start.index + MAX_MESSAGES_PER_READ);
  const maxChars = input.max_chars ?? DEFAULT_READ_CHARS;
  return pageOfMessages(messages, maxChars, start, textReader(gmail, window, signal));
}

/**
 * Reads one email (`message_id`) or a whole conversation (`thread_id`, oldest first):
 * one Gmail call (`format=full`) for headers, structure and small text parts, and one more
 * per message shown whose text Gmail left out of it (a large part, by attachment id;
 * attachments are never fetched). The text of all messages together stays within
 * `max_chars`; `next_cursor` continues a cut read, or one the deadline ended early. One
 * message whose body cannot be read comes with `body_error` and never fails the read.
 */
export const readEmail = /* @__PURE__ */ gmailOperation(
  async (gmail, input: ReadEmailRequest, signal): Promise<ReadResult> => {
    if (input.thread_id) {
      const threadId = input.thread_id;
      const { data } = await gmailCall({ notFound: `No thread with thread_id ${threadId} found` }, () =>
        gmail.users.threads.get({ userId: 'me', id: threadId, format: 'full' }, { signal }),
      );
      const page = await readPage(gmail, oldestFirst(data.messages ?? []), input, signal);
      return { thread_id: data.id ?? threadId, ...page };
    }
    const messageId = input.message_id ?? '';
    const { data } = await gmailCall({ notFound: `No email with message_id ${messageId} found` }, () =>
      gmail.users.messages.get({ userId: 'me', id: messageId, format: 'full' }, { signal }),
    );
    return { thread_id: data.threadId ?? '', ...(await readPage(gmail, [data], input, signal)) };
  },
);
