import type { gmail_v1 } from '@googleapis/gmail';
import { isBrokerError } from '../errors.ts';
import {
  ANSWER_TEXT_CHARS,
  DEFAULT_EMAILS_PER_PAGE,
  MAX_EMAILS_PER_PAGE,
  type UnreadEmail,
  type UnreadEmailsRequest,
} from '../schemas/email.ts';
import type { GmailClient } from './client.ts';
import { mapWithConcurrency } from './concurrency.ts';
import { deadlineShareMs, deadlineSignal, gmailOperation } from './deadline.ts';
import { gmailCall } from './errors.ts';
import { decodeEntities } from './html-to-text.ts';
import { bodyFailure, readBody } from './message-body.ts';
import { type MessageParts, messageParts } from './part-tree.ts';
import { messageSummary, PARTS_WITHOUT_DATA, type ShownHeaders, shownHeaders } from './payload.ts';
import { buildUnreadQuery } from './search.ts';

/**
 * Message fetches in flight at once: a page of up to 50 is fetched in one wave, so it costs
 * two sequential round trips in all (the list, then the fetches). 50 is the most Gmail
 * recommends per batch request (developers.google.com/gmail/api/guides/batch: at most 100
 * calls, larger batches "likely to trigger rate limiting", over 50 not recommended, and n
 * batched calls count as n against the quota), and the same ceiling is kept on calls in
 * flight at once. This cap is what binds above 50:
 * a page of 100 takes two waves (three round trips). A 429 on one call is retried for that
 * call alone (`retry.ts`), and one message that still fails never fails the page.
 */
export const FETCH_CONCURRENCY = 50;
/** Longest body per email, in characters. */
export const MAX_BODY_CHARS = 4_000;

/** One page of unread mail. */
export interface UnreadPage {
  emails: UnreadEmail[];
  next_page_token: string | null;
}

/** The per-email body cap for a page of `count` emails: the answer budget shared out. */
export function bodyCapFor(count: number): number {
  return Math.min(MAX_BODY_CHARS, Math.floor(ANSWER_TEXT_CHARS / Math.max(1, count)));
}

const METADATA_HEADERS = ['From', 'To', 'Cc', 'Subject', 'Date'];
const MESSAGE_FIELDS = 'id,threadId,labelIds,snippet,internalDate';

/** The fields of one email that come from its headers and body. */
interface MailFields extends ShownHeaders {
  body: string;
  bodyTruncated: boolean;
  bodyError: string | null;
}

function fromHeaders(message: gmail_v1.Schema$Message): MailFields {
  return { ...shownHeaders(message), body: '', bodyTruncated: false, bodyError: null };
}

function toUnreadEmail(message: gmail_v1.Schema$Message, fields: MailFields): UnreadEmail {
  return {
    ...messageSummary(message, fields),
    body: fields.body,
    body_truncated: fields.bodyTruncated,
    body_error: fields.bodyError,
    // Gmail's snippet is HTML-escaped (`&#39;`): the reader wants the characters.
    snippet: decodeEntities(message.snippet ?? ''),
  };
}

/**
 * Each message's share of the operation's time: the fetches run in waves of
 * {@link FETCH_CONCURRENCY}, and every wave must fit in what the deadline leaves after the list.
 */
export function messageDeadlineMs(count: number): number {
  return deadlineShareMs(Math.ceil(count / FETCH_CONCURRENCY));
}

/** A Gmail search to read: the query, the page, and whether bodies are wanted. */
export interface MessageQuery {
  q?: string | undefined;
  limit?: number | null | undefined;
  page_token?: string | null | undefined;
  include_body?: boolean | null | undefined;
  /** Also fetch the part layout (no content) when bodies are not wanted, to see attachments. */
  withParts?: boolean;
}

/** One listed message as an email, with its walked part tree (no attachment content) for callers that need more. */
export interface ListedMessage {
  email: UnreadEmail;
  parts: MessageParts;
}

/**
 * Reads one page of a Gmail search, newest first: one `list` call, then the messages fetched
 * in parallel (at most {@link FETCH_CONCURRENCY} at a time) in the list's order:
 * `format=full` for the structure and small text parts, then only the larger text parts by
 * attachment id (attachments are never downloaded), or only headers when bodies are not
 * wanted.
 *
 * One message never costs the page: one that cannot be fetched, parsed or converted in its
 * share of the time comes back with what is known (headers, snippet) and `body_error`
 * saying why. Bodies are capped so the whole answer stays small; a message deleted between
 * list and fetch is skipped; only the caller's own credential failures fail the page.
 */
export async function listMessages(
  gmail: GmailClient,
  query: MessageQuery,
  signal: AbortSignal,
): Promise<{ messages: ListedMessage[]; next_page_token: string | null }> {
  const limit = Math.min(MAX_EMAILS_PER_PAGE, Math.max(1, query.limit ?? DEFAULT_EMAILS_PER_PAGE));
  const includeBody = query.include_body ?? true;

  const listed = await gmailCall({}, () =>
    gmail.users.messages.list(
      {
        userId: 'me',
        ...(query.q ? { q: query.q } : {}),
        maxResults: limit,
        ...(query.page_token ? { pageToken: query.page_token } : {}),
        fields: 'messages(id,threadId),nextPageToken',
      },
      { signal },
    ),
  );
  const entries = (listed.data.messages ?? []).flatMap((message) =>
    message.id ? [{ id: message.id, threadId: message.threadId ?? '' }] : [],
  );
  const bodyCap = bodyCapFor(entries.length);
  const shareMs = messageDeadlineMs(entries.length);

  const fetched = await mapWithConcurrency(entries, FETCH_CONCURRENCY, async ({ id, threadId }) => {
    const own = deadlineSignal(shareMs);
    const call = { signal: AbortSignal.any([signal, own]) };
    let message: gmail_v1.Schema$Message = { id, threadId };
    let fields: MailFields | undefined;
    let parts: MessageParts | undefined;
    try {
      const response = await gmailCall({}, () =>
        includeBody || query.withParts
          ? gmail.users.messages.get(
              {
                userId: 'me',
                id,
                format: 'full',
                fields: `${MESSAGE_FIELDS},${includeBody ? 'payload' : PARTS_WITHOUT_DATA}`,
              },
              call,
            )
          : gmail.users.messages.get(
              {
                userId: 'me',
                id,
                format: 'metadata',
                metadataHeaders: METADATA_HEADERS,
                fields: `${MESSAGE_FIELDS},payload/headers`,
              },
              call,
            ),
      );
      message = { ...response.data, id: response.data.id ?? id, threadId: response.data.threadId ?? threadId };
      fields = fromHeaders(message);
      parts = messageParts(message.payload);
      if (includeBody) {
        const body = await readBody({ gmail, messageId: id, signal: call.signal }, parts, bodyCap);
        // A listed body is a preview: text left unread past the byte budget is one more cut.
        fields = { ...fields, body: body.text, bodyTruncated: body.truncated || body.unreadBytes > 0 };
      }
      return { email: toUnreadEmail(message, fields), parts };
    } catch (error) {
      // Deleted (or moved out of reach) since the list: not the caller's problem.
      if (isBrokerError(error) && error.kind === 'not_found' && fields === undefined) return null;
      const known = fields ?? fromHeaders(message);
      const email = toUnreadEmail(message, {
        ...known,
        body: '',
        bodyTruncated: false,
        bodyError: bodyFailure(error, signal, own),
      });
      return { email, parts: parts ?? messageParts(message.payload) };
    }
  });

  return {
    messages: fetched.filter((entry): entry is ListedMessage => entry !== null),
    next_page_token: listed.data.nextPageToken ?? null,
  };
}

/**
 * Lists unread inbox mail, newest first, optionally narrowed by the caller's words (each
 * quoted: never operators), through {@link listMessages}.
 */
export const listUnread = /* @__PURE__ */ gmailOperation(
  async (gmail, input: UnreadEmailsRequest, signal): Promise<UnreadPage> => {
    const page = await listMessages(gmail, { ...input, q: buildUnreadQuery(input.query) }, signal);
    return { emails: page.messages.map((entry) => entry.email), next_page_token: page.next_page_token };
  },
);
