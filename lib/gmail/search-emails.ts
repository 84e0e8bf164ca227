import type { SearchEmail, SearchEmailsRequest } from '../schemas/mailbox.ts';
import { gmailOperation } from './deadline.ts';
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
export const searchEmails = /* @__PURE__ */ gmailOperation(
  async (gmail, input: SearchEmailsRequest, signal): Promise<SearchPage> => {
    const page = await listMessages(gmail, { ...input, q: input.query?.trim() || undefined, withParts: true }, signal);
    return {
      emails: page.messages.map(({ email, parts }) => ({
        ...email,
        has_attachments: attachmentsOf(parts).length > 0,
      })),
      next_page_token: page.next_page_token,
    };
  },
);
