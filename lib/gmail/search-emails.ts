import type { gmail_v1 } from '@googleapis/gmail';
import type { SearchEmail, SearchEmailsRequest } from '../schemas/mailbox.ts';
import type { GmailOperationOptions } from './deadline.ts';
import { attachmentsOf } from './payload.ts';
import { listMessages } from './unread.ts';

/** One page of search results. */
export interface SearchPage {
  emails: SearchEmail[];
  next_page_token: string | null;
}

/**
 * Runs the user's own Gmail search (operators and all: this is their intent, not text we
 * build from someone else's input) and reads each hit exactly as unread mail is read
 * ({@link listMessages}: bounded, isolated per message, attachments never downloaded), and
 * says whether each has attachments.
 */
export async function searchEmails(
  gmail: gmail_v1.Gmail,
  input: SearchEmailsRequest,
  options: GmailOperationOptions = {},
): Promise<SearchPage> {
  const page = await listMessages(gmail, { ...input, q: input.query?.trim() || undefined, withParts: true }, options);
  return {
    emails: page.messages.map(({ email, payload }) => ({
      ...email,
      has_attachments: attachmentsOf(payload).length > 0,
    })),
    next_page_token: page.next_page_token,
  };
}
