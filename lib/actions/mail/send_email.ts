import { createGmailClient } from '../../gmail/client.ts';
import { requestAttachments } from '../../gmail/file-refs.ts';
import { sendEmail } from '../../gmail/send.ts';
import type { Action } from '../../http/api-handler.ts';
import { operations } from '../../operations.ts';
import { recipientList } from '../../schemas/common.ts';
import { gmailAction } from './gmail-action.ts';

/**
 * Sends a mail from the caller's own Gmail account. The registry says it sends once, so a
 * retry of the same request (or of the same Idempotency-Key) answers the first result and
 * runs none of this again, the fetching of its files included (lib/http/run-action.ts).
 */
export const send_email: Action<typeof operations.send_email> = gmailAction(operations.send_email, async (request) => {
  const { body, credentials, config } = request;
  const attachments = await requestAttachments(body, config);
  const sent = await sendEmail(createGmailClient(credentials, config), { ...body, attachments });
  return { message: `Email sent to ${recipientList(body.to).join(', ')}`, data: sent };
});
