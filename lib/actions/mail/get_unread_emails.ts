import { createGmailClient } from '../../gmail/client.ts';
import { listUnread } from '../../gmail/unread.ts';
import type { Action } from '../../http/api-handler.ts';
import { operations } from '../../operations.ts';
import { gmailAction } from './gmail-action.ts';

/** The caller's unread inbox mail, with readable bodies. */
export const get_unread_emails: Action<typeof operations.get_unread_emails> = gmailAction(
  operations.get_unread_emails,
  async ({ body, credentials, config }) => {
    const { emails, next_page_token } = await listUnread(createGmailClient(credentials, config), body);
    return { count: emails.length, emails, next_page_token };
  },
);
