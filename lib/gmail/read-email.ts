import type { gmail_v1 } from '@googleapis/gmail';
import { BrokerError } from '../errors.ts';
import { SCOPES } from '../google/scopes.ts';
import { DEFAULT_READ_CHARS, type ReadEmailRequest, type ReadMessage } from '../schemas/mailbox.ts';
import { gmailOperation } from './deadline.ts';
import { gmailCall } from './errors.ts';
import { truncateText } from './parse.ts';
import { viewMessage } from './payload.ts';

/** Most messages one read answers with; a longer thread continues through `next_cursor`. */
export const MAX_MESSAGES_PER_READ = 50;

/** One read: the messages shown and where to continue, if anything is left. */
export interface ReadResult {
  thread_id: string;
  messages: ReadMessage[];
  next_cursor: string | null;
}

/** Where a read starts: a message and a character offset in its text. */
interface Cursor {
  messageId: string;
  offset: number;
}

function parseCursor(cursor: string | null | undefined): Cursor | null {
  if (!cursor) return null;
  const dot = cursor.lastIndexOf('.');
  return { messageId: cursor.slice(0, dot), offset: Number(cursor.slice(dot + 1)) };
}

const cursorAt = (messageId: string, offset: number) => `${messageId}.${offset}`;

/** Gmail lists a thread oldest first; sort by received time anyway, keeping its order for ties. */
function oldestFirst(messages: gmail_v1.Schema$Message[]): gmail_v1.Schema$Message[] {
  return messages
    .map((message, index) => ({ message, index, at: Number(message.internalDate) || 0 }))
    .sort((a, b) => a.at - b.at || a.index - b.index)
    .map(({ message }) => message);
}

/**
 * Lays the messages out within a budget of `maxChars` body characters, from the cursor on:
 * whole messages while they fit, then the start of the next one, cut, with a cursor to its
 * remaining text. At most {@link MAX_MESSAGES_PER_READ} messages per answer.
 */
export function pageOfMessages(
  messages: gmail_v1.Schema$Message[],
  maxChars: number,
  cursor: string | null | undefined,
): { messages: ReadMessage[]; next_cursor: string | null } {
  const start = parseCursor(cursor);
  const first = start ? messages.findIndex((message) => message.id === start.messageId) : 0;
  if (first === -1) {
    throw new BrokerError(
      'invalid_request',
      'The cursor does not belong to this email or thread; read from the start.',
      {
        details: [{ field: 'cursor', message: 'not from this email or thread' }],
      },
    );
  }
  const shown: ReadMessage[] = [];
  let budget = maxChars;
  for (let index = first; index < messages.length; index += 1) {
    const message = messages[index] as gmail_v1.Schema$Message;
    const id = message.id ?? '';
    const offset = index === first && start ? start.offset : 0;
    if (shown.length >= MAX_MESSAGES_PER_READ || budget <= 0)
      return { messages: shown, next_cursor: cursorAt(id, offset) };
    const view = viewMessage(message);
    const piece = truncateText(view.text.slice(offset), budget);
    const labels = message.labelIds ?? [];
    shown.push({
      message_id: id,
      thread_id: message.threadId ?? '',
      from_email: view.from?.address ?? '',
      from_name: view.from?.name || view.from?.address || '',
      to: view.to,
      cc: view.cc,
      subject: view.subject,
      date: view.date,
      labels,
      is_unread: labels.includes('UNREAD'),
      body: piece.text,
      body_offset: Math.min(offset, view.text.length),
      body_length: view.text.length,
      body_truncated: piece.truncated,
      attachments: view.attachments,
    });
    budget -= piece.text.length;
    if (piece.truncated) return { messages: shown, next_cursor: cursorAt(id, offset + piece.text.length) };
  }
  return { messages: shown, next_cursor: null };
}

/**
 * Reads one email (`message_id`) or a whole conversation (`thread_id`, oldest first) in one
 * Gmail call (`format=full`): headers, readable text, the attachments listed. The text of
 * all messages together stays within `max_chars`; `next_cursor` continues a cut read.
 */
export const readEmail = gmailOperation(async (gmail, input: ReadEmailRequest, signal): Promise<ReadResult> => {
  const maxChars = input.max_chars ?? DEFAULT_READ_CHARS;
  if (input.thread_id) {
    const threadId = input.thread_id;
    const { data } = await gmailCall(
      { scope: SCOPES.read, notFound: `No thread with thread_id ${threadId} found` },
      () => gmail.users.threads.get({ userId: 'me', id: threadId, format: 'full' }, { signal }),
    );
    const page = pageOfMessages(oldestFirst(data.messages ?? []), maxChars, input.cursor);
    return { thread_id: data.id ?? threadId, ...page };
  }
  const messageId = input.message_id ?? '';
  const { data } = await gmailCall(
    { scope: SCOPES.read, notFound: `No email with message_id ${messageId} found` },
    () => gmail.users.messages.get({ userId: 'me', id: messageId, format: 'full' }, { signal }),
  );
  return { thread_id: data.threadId ?? '', ...pageOfMessages([data], maxChars, input.cursor) };
});
