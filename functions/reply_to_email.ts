import { createGmailClient } from '#lib/gmail/client';
import { replyToEmail } from '#lib/gmail/reply';
import { type Action, apiHandler } from '#lib/http/api-handler';
import { operations } from '#lib/operations';

/** POST /api/email/reply: answers a mail inside its original thread. */
export const run: Action<typeof operations.reply_to_email> = async ({ body, credentials, config }) => {
  const reply = await replyToEmail(createGmailClient(credentials, config), body);
  return { message: `Reply sent to ${reply.to.join(', ')}`, data: reply };
};

export const handler = apiHandler(operations.reply_to_email, run);
