import { createGmailClient } from '../../gmail/client.ts';
import { searchEmails } from '../../gmail/search-emails.ts';
import type { Action } from '../../http/api-handler.ts';
import { operations } from '../../operations.ts';
import { gmailAction } from './gmail-action.ts';

/** The user's own Gmail search, with readable bodies. */
export const search_emails: Action<typeof operations.search_emails> = gmailAction(
  operations.search_emails,
  async ({ body, credentials, config }) => {
    const { emails, next_page_token } = await searchEmails(createGmailClient(credentials, config), body);
    return { count: emails.length, emails, next_page_token };
  },
);
