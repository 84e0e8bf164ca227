import type { gmail_v1 } from '@googleapis/gmail';
import { isBrokerError } from '#lib/errors';
import type { SearchEmail, SearchEmailsRequest } from '#lib/schemas/mailbox';
import { SCOPES } from '../google/scopes.ts';
import { mapWithConcurrency } from './concurrency.ts';
import { deadlineSignal, type GmailOperationOptions } from './deadline.ts';
import { gmailCall } from './errors.ts';
import { decodeEntities } from './html-to-text.ts';
import { truncateText } from './parse.ts';
import { PARTS_WITHOUT_DATA, viewMessage } from './payload.ts';
import { bodyCapFor, DEFAULT_LIMIT, FETCH_CONCURRENCY, MAX_LIMIT } from './unread.ts';

/** One page of search results. */
export interface SearchPage {
  emails: SearchEmail[];
  next_page_token: string | null;
}

const MESSAGE_FIELDS = 'id,threadId,labelIds,snippet,internalDate';

/**
 * Runs the user's own Gmail search (operators and all: this is their intent, not text we
 * build from someone else's input) and reads each hit. One `list` call, then the messages
 * fetched with `format=full` in parallel (at most {@link FETCH_CONCURRENCY} at a time, so a
 * page of 50 costs two sequential round trips after the list); without bodies the fetch
 * asks only for headers and the part layout (`fields`), enough to say `has_attachments`.
 * Bodies are capped as unread's are; a message deleted between list and fetch is skipped.
 */
export async function searchEmails(
  gmail: gmail_v1.Gmail,
  input: SearchEmailsRequest,
  options: GmailOperationOptions = {},
): Promise<SearchPage> {
  const signal = options.signal ?? deadlineSignal();
  const limit = Math.min(MAX_LIMIT, Math.max(1, input.limit ?? DEFAULT_LIMIT));
  const includeBody = input.include_body ?? true;
  const read = { scope: SCOPES.read };

  const listed = await gmailCall(read, () =>
    gmail.users.messages.list(
      {
        userId: 'me',
        ...(input.query?.trim() ? { q: input.query.trim() } : {}),
        maxResults: limit,
        ...(input.page_token ? { pageToken: input.page_token } : {}),
        fields: 'messages(id),nextPageToken',
      },
      { signal },
    ),
  );
  const ids = (listed.data.messages ?? []).flatMap((message) => (message.id ? [message.id] : []));
  const bodyCap = bodyCapFor(ids.length);
  const fields = includeBody ? `${MESSAGE_FIELDS},payload` : `${MESSAGE_FIELDS},${PARTS_WITHOUT_DATA}`;

  const fetched = await mapWithConcurrency(ids, FETCH_CONCURRENCY, async (id): Promise<SearchEmail | null> => {
    try {
      const { data } = await gmailCall(read, () =>
        gmail.users.messages.get({ userId: 'me', id, format: 'full', fields }, { signal }),
      );
      const view = viewMessage(data);
      const body = includeBody ? truncateText(view.text, bodyCap) : { text: '', truncated: false };
      const labels = data.labelIds ?? [];
      return {
        message_id: data.id ?? id,
        thread_id: data.threadId ?? '',
        from_email: view.from?.address ?? '',
        from_name: view.from?.name || view.from?.address || '',
        to: view.to,
        cc: view.cc,
        subject: view.subject,
        body: body.text,
        body_truncated: body.truncated,
        snippet: decodeEntities(data.snippet ?? ''),
        date: view.date,
        is_unread: labels.includes('UNREAD'),
        labels,
        has_attachments: view.attachments.length > 0,
      };
    } catch (error) {
      if (isBrokerError(error) && error.kind === 'not_found') return null;
      throw error;
    }
  });

  return {
    emails: fetched.filter((email): email is SearchEmail => email !== null),
    next_page_token: listed.data.nextPageToken ?? null,
  };
}
