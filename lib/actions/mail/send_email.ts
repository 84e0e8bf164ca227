import { createGmailClient } from '../../gmail/client.ts';
import { requestAttachments } from '../../gmail/file-refs.ts';
import { sendEmail } from '../../gmail/send.ts';
import type { Action } from '../../http/api-handler.ts';
import { once } from '../../idempotency.ts';
import { operations } from '../../operations.ts';
import { recipientList } from '../../schemas/common.ts';
import { gmailAction } from './gmail-action.ts';

/**
 * Sends a mail from the caller's own Gmail account, once: a retry of the same request (or
 * of the same Idempotency-Key) answers the first result and sends nothing.
 */
export const send_email: Action<typeof operations.send_email> = gmailAction(operations.send_email, async (request) => {
  const { body, credentials, config } = request;
  const { result: sent, repeat } = await once(operations.send_email, request, async () => {
    // Inside once(): a repeat answers the first result without fetching the files again.
    const attachments = await requestAttachments(body, config);
    return sendEmail(createGmailClient(credentials, config), { ...body, attachments });
  });
  const to = recipientList(body.to).join(', ');
  return {
    message: repeat ? `Already sent to ${to} moments ago; not sent again.` : `Email sent to ${to}`,
    data: { ...sent, repeat },
  };
});
