import { createGmailClient } from '#lib/gmail/client';
import { requestAttachments } from '#lib/gmail/file-refs';
import { sendEmail } from '#lib/gmail/send';
import { type Action, apiHandler } from '#lib/http/api-handler';
import { once } from '#lib/idempotency';
import { operations } from '#lib/operations';
import { recipientList } from '#lib/schemas/common';

/**
 * Sends a mail from the caller's own Gmail account, once: a retry of the same request (or
 * of the same Idempotency-Key) answers the first result and sends nothing.
 */
export const run: Action<typeof operations.send_email> = async (request) => {
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
};

export const handler = apiHandler(operations.send_email, run);
