import { createGmailClient } from '#lib/gmail/client';
import { createDraft } from '#lib/gmail/drafts';
import { requestAttachments } from '#lib/gmail/file-refs';
import { type Action, apiHandler } from '#lib/http/api-handler';
import { operations } from '#lib/operations';

/** Writes a draft (new, or a reply threaded like reply_to_email) for the user to review. */
export const run: Action<typeof operations.create_draft> = async ({ body, credentials, config }) => {
  const draft = await createDraft(createGmailClient(credentials, config), body, await requestAttachments(body, config));
  return { message: `Draft saved for ${draft.to.join(', ')}; send it with send_draft.`, data: draft };
};

export const handler = apiHandler(operations.create_draft, run);
