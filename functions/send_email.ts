import { createGmailClient } from '#lib/gmail/client';
import { sendEmail } from '#lib/gmail/send';
import { type Action, apiHandler } from '#lib/http/api-handler';
import { operations } from '#lib/operations';
import { recipientList } from '#lib/schemas/common';

/** POST /api/email/send: sends a mail from the caller's own Gmail account. */
export const run: Action<typeof operations.send_email> = async ({ body, credentials, config }) => {
  const sent = await sendEmail(createGmailClient(credentials, config), body);
  return { message: `Email sent to ${recipientList(body.to).join(', ')}`, data: sent };
};

export const handler = apiHandler(operations.send_email, run);
