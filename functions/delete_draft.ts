import { createGmailClient } from '#lib/gmail/client';
import { deleteDraft } from '#lib/gmail/drafts';
import { type Action, apiHandler } from '#lib/http/api-handler';
import { operations } from '#lib/operations';

/** Deletes a draft. */
export const run: Action<typeof operations.delete_draft> = async ({ body, credentials, config }) => {
  await deleteDraft(createGmailClient(credentials, config), body.draft_id);
  return { message: 'Draft deleted.', data: { draft_id: body.draft_id } };
};

export const handler = apiHandler(operations.delete_draft, run);
