import { createGmailClient } from '../../gmail/client.ts';
import { deleteDraft } from '../../gmail/drafts.ts';
import type { Action } from '../../http/api-handler.ts';
import { operations } from '../../operations.ts';
import { gmailAction } from './gmail-action.ts';

/** Deletes a draft. */
export const delete_draft: Action<typeof operations.delete_draft> = gmailAction(
  operations.delete_draft,
  async ({ body, credentials, config }) => {
    await deleteDraft(createGmailClient(credentials, config), body.draft_id);
    return { message: 'Draft deleted.', data: { draft_id: body.draft_id } };
  },
);
