import { createGmailClient } from '../../gmail/client.ts';
import { sendDraft } from '../../gmail/drafts.ts';
import type { Action } from '../../http/api-handler.ts';
import { operations } from '../../operations.ts';
import { gmailAction } from './gmail-action.ts';

/** Sends a draft as it stands; sent once, as send_email (the registry says so). */
export const send_draft: Action<typeof operations.send_draft> = gmailAction(operations.send_draft, async (request) => {
  const { body, credentials, config } = request;
  return { message: 'Draft sent.', data: await sendDraft(createGmailClient(credentials, config), body.draft_id) };
});
