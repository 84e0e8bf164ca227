import { createGmailClient } from '#lib/gmail/client';
import { listDrafts } from '#lib/gmail/drafts';
import { type Action, apiHandler } from '#lib/http/api-handler';
import { operations } from '#lib/operations';

/** The user's drafts, newest first. */
export const run: Action<typeof operations.list_drafts> = async ({ body, credentials, config }) => {
  const { drafts, next_page_token } = await listDrafts(createGmailClient(credentials, config), body);
  return { count: drafts.length, drafts, next_page_token };
};

export const handler = apiHandler(operations.list_drafts, run);
