import { createGmailClient } from '#lib/gmail/client';
import { sendDraft } from '#lib/gmail/drafts';
import { type Action, apiHandler } from '#lib/http/api-handler';
import { once } from '#lib/idempotency';
import { operations } from '#lib/operations';

/** Sends a draft as it stands, once (as send_email: a retry sends nothing). */
export const run: Action<typeof operations.send_draft> = async (request) => {
  const { body, credentials, config } = request;
  const { result: sent, repeat } = await once(operations.send_draft, request, () =>
    sendDraft(createGmailClient(credentials, config), body.draft_id),
  );
  return {
    message: repeat ? 'That draft was already sent moments ago; not sent again.' : 'Draft sent.',
    data: { ...sent, repeat },
  };
};

export const handler = apiHandler(operations.send_draft, run);
