import { createGmailClient } from '../../gmail/client.ts';
import { sendDraft } from '../../gmail/drafts.ts';
import type { Action } from '../../http/api-handler.ts';
import { once } from '../../idempotency.ts';
import { operations } from '../../operations.ts';
import { gmailAction } from './gmail-action.ts';

/** Sends a draft as it stands, once (as send_email: a retry sends nothing). */
export const send_draft: Action<typeof operations.send_draft> = gmailAction(operations.send_draft, async (request) => {
  const { body, credentials, config } = request;
  const { result: sent, repeat } = await once(operations.send_draft, request, () =>
    sendDraft(createGmailClient(credentials, config), body.draft_id),
  );
  return {
    message: repeat ? 'That draft was already sent moments ago; not sent again.' : 'Draft sent.',
    data: { ...sent, repeat },
  };
});
