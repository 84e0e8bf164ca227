import { createGmailClient } from '../../gmail/client.ts';
import { listDrafts } from '../../gmail/drafts.ts';
import type { Action } from '../../http/api-handler.ts';
import { operations } from '../../operations.ts';
import { gmailAction } from './gmail-action.ts';

/** The user's drafts, newest first. */
export const list_drafts: Action<typeof operations.list_drafts> = gmailAction(
  operations.list_drafts,
  async ({ body, credentials, config }) => {
    const { drafts, next_page_token } = await listDrafts(createGmailClient(credentials, config), body);
    return { count: drafts.length, drafts, next_page_token };
  },
);
