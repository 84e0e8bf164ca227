import type { gmail_v1 } from '@googleapis/gmail';
import { isBrokerError } from '#lib/errors';
import type { UnreadEmail, UnreadEmailsRequest } from '#lib/schemas/email';
import { SCOPES } from '../google/scopes.ts';
import { mapWithConcurrency } from './concurrency.ts';
import { deadlineSignal, type GmailOperationOptions } from './deadline.ts';
import { gmailCall } from './errors.ts';
import { decodeEntities } from './html-to-text.ts';
import {
  decodeHeaderText,
  formatMailbox,
  type Mailbox,
  parseAddressHeader,
  parseMessage,
  truncateText,
} from './parse.ts';
import { buildUnreadQuery } from './search.ts';

export const DEFAULT_LIMIT = 10;
export const MAX_LIMIT = 100;
/**
 * Parallel message fetches. Users report 429s from Gmail's batch endpoint at 25+ calls;
 * 25 keeps a page of 50 to two waves (list + 2 round trips in all).
 */
export const FETCH_CONCURRENCY = 25;
/** Longest body per email, in characters. */
export const MAX_BODY_CHARS = 4_000;
/** All bodies of one answer together, well under ChatGPT's 100,000-character limit. */
export const ANSWER_BODY_CHARS = 60_000;

/** One page of unread mail. */
export interface UnreadPage {
  emails: UnreadEmail[];
  next_page_token: string | null;
}

/** The per-email body cap for a page of `count` emails: the answer budget shared out. */
export function bodyCapFor(count: number): number {
  return Math.min(MAX_BODY_CHARS, Math.floor(ANSWER_BODY_CHARS / Math.max(1, count)));
}

const METADATA_HEADERS = ['From', 'To', 'Cc', 'Subject', 'Date'];
const MESSAGE_FIELDS = 'id,threadId,labelIds,snippet,internalDate';

/** The fields of one email that come from its headers and body. */
interface MailFields {
  from: Mailbox | null;
  to: Mailbox[];
  cc: Mailbox[];
  subject: string;
  date: string | null;
  body: string;
  bodyTruncated: boolean;
}

function fromHeaders(message: gmail_v1.Schema$Message): MailFields {
  const header = (name: string) =>
    message.payload?.headers?.find((entry) => entry.name?.toLowerCase() === name.toLowerCase())?.value ?? null;
  return {
    from: parseAddressHeader(header('From'))[0] ?? null,
    to: parseAddressHeader(header('To')),
    cc: parseAddressHeader(header('Cc')),
    subject: decodeHeaderText(header('Subject')),
    date: header('Date')?.trim() || null,
    body: '',
    bodyTruncated: false,
  };
}

async function fromRaw(raw: string, bodyCap: number): Promise<MailFields> {
  const mail = await parseMessage(raw);
  const body = truncateText(mail.text, bodyCap);
  return {
    from: mail.from,
    to: mail.to,
    cc: mail.cc,
    subject: mail.subject,
    date: mail.date,
    body: body.text,
    bodyTruncated: body.truncated,
  };
}

function receivedAt(message: gmail_v1.Schema$Message): string {
  const millis = Number(message.internalDate);
  return Number.isFinite(millis) && message.internalDate ? new Date(millis).toISOString() : '';
}

function toUnreadEmail(message: gmail_v1.Schema$Message, fields: MailFields): UnreadEmail {
  const labels = message.labelIds ?? [];
  return {
    message_id: message.id ?? '',
    thread_id: message.threadId ?? '',
    from_email: fields.from?.address ?? '',
    from_name: fields.from?.name || fields.from?.address || '',
    to: fields.to.map(formatMailbox),
    cc: fields.cc.map(formatMailbox),
    subject: fields.subject,
    body: fields.body,
    body_truncated: fields.bodyTruncated,
    // Gmail's snippet is HTML-escaped (`&#39;`): the reader wants the characters.
    snippet: decodeEntities(message.snippet ?? ''),
    date: fields.date ?? receivedAt(message),
    is_unread: labels.includes('UNREAD'),
    labels,
  };
}

/**
 * Lists unread inbox mail, newest first, optionally narrowed by the caller's words (each
 * quoted: never operators). One `list` call, then the messages fetched in parallel (at
 * most {@link FETCH_CONCURRENCY} at a time) in the list's order: `format=raw` parsed for a
 * readable body, or `format=metadata` when `include_body` is false. Bodies are capped so
 * the whole answer stays small; a message deleted between list and fetch is skipped.
 */
export async function listUnread(
  gmail: gmail_v1.Gmail,
  input: UnreadEmailsRequest,
  options: GmailOperationOptions = {},
): Promise<UnreadPage> {
  const signal = options.signal ?? deadlineSignal();
  const limit = Math.min(MAX_LIMIT, Math.max(1, input.limit ?? DEFAULT_LIMIT));
  const includeBody = input.include_body ?? true;
  const read = { scope: SCOPES.read };

  const listed = await gmailCall(read, () =>
    gmail.users.messages.list(
      {
        userId: 'me',
        q: buildUnreadQuery(input.query),
        maxResults: limit,
        ...(input.page_token ? { pageToken: input.page_token } : {}),
        fields: 'messages(id),nextPageToken',
      },
      { signal },
    ),
  );
  const ids = (listed.data.messages ?? []).flatMap((message) => (message.id ? [message.id] : []));
  const bodyCap = bodyCapFor(ids.length);

  const fetched = await mapWithConcurrency(ids, FETCH_CONCURRENCY, async (id) => {
    try {
      const response = await gmailCall(read, () =>
        includeBody
          ? gmail.users.messages.get({ userId: 'me', id, format: 'raw', fields: `${MESSAGE_FIELDS},raw` }, { signal })
          : gmail.users.messages.get(
              {
                userId: 'me',
                id,
                format: 'metadata',
                metadataHeaders: METADATA_HEADERS,
                fields: `${MESSAGE_FIELDS},payload/headers`,
              },
              { signal },
            ),
      );
      const message = response.data;
      const fields = includeBody && message.raw ? await fromRaw(message.raw, bodyCap) : fromHeaders(message);
      return toUnreadEmail({ ...message, id: message.id ?? id }, fields);
    } catch (error) {
      // Deleted (or moved out of reach) since the list: not the caller's problem.
      if (isBrokerError(error) && error.kind === 'not_found') return null;
      throw error;
    }
  });

  return {
    emails: fetched.filter((email): email is UnreadEmail => email !== null),
    next_page_token: listed.data.nextPageToken ?? null,
  };
}
