import { createGmailClient } from '../../gmail/client.ts';
import { createDraft } from '../../gmail/drafts.ts';
import { requestAttachments } from '../../gmail/file-refs.ts';
import type { Action } from '../../http/api-handler.ts';
import { operations } from '../../operations.ts';
import { gmailAction } from './gmail-action.ts';

/** Writes a draft (new, or a reply threaded like reply_to_email) for the user to review. */
export const create_draft: Action<typeof operations.create_draft> = gmailAction(
  operations.create_draft,
  async ({ body, credentials, config }) => {
    const draft = await createDraft(
      createGmailClient(credentials, config),
      body,
      await requestAttachments(body, config),
    );
    return { message: `Draft saved for ${draft.to.join(', ')}; send it with send_draft.`, data: draft };
  },
);
