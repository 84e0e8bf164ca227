import { createGmailClient } from '#lib/gmail/client';
import { searchEmails } from '#lib/gmail/search-emails';
import { type Action, apiHandler } from '#lib/http/api-handler';
import { operations } from '#lib/operations';

/** The user's own Gmail search, with readable bodies. */
export const run: Action<typeof operations.search_emails> = async ({ body, credentials, config }) => {
  const { emails, next_page_token } = await searchEmails(createGmailClient(credentials, config), body);
  return { count: emails.length, emails, next_page_token };
};

export const handler = apiHandler(operations.search_emails, run);
