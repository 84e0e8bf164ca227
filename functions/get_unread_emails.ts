import { createGmailClient } from '#lib/gmail/client';
import { listUnread } from '#lib/gmail/unread';
import { type Action, apiHandler } from '#lib/http/api-handler';
import { operations } from '#lib/operations';

/** The caller's unread inbox mail, with readable bodies. */
export const run: Action<typeof operations.get_unread_emails> = async ({ body, credentials, config }) => {
  const { emails, next_page_token } = await listUnread(createGmailClient(credentials, config), body);
  return { count: emails.length, emails, next_page_token };
};

export const handler = apiHandler(operations.get_unread_emails, run);
