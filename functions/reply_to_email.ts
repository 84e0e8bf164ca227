import { createGmailClient } from '#lib/gmail/client';
import { requestAttachments } from '#lib/gmail/file-refs';
import { replyToEmail } from '#lib/gmail/reply';
import { type Action, apiHandler } from '#lib/http/api-handler';
import { once } from '#lib/idempotency';
import { operations } from '#lib/operations';

/** Answers a mail inside its original thread, once (as send_email: a retry sends nothing). */
export const run: Action<typeof operations.reply_to_email> = async (request) => {
  const { body, credentials, config } = request;
  const { result: reply, repeat } = await once(operations.reply_to_email, request, async () => {
    // Inside once(): a repeat answers the first result without fetching the files again.
    const attachments = await requestAttachments(body, config);
    return replyToEmail(createGmailClient(credentials, config), { ...body, attachments });
  });
  const to = reply.to.join(', ');
  return {
    message: repeat ? `Reply already sent to ${to} moments ago; not sent again.` : `Reply sent to ${to}`,
    data: { ...reply, repeat },
  };
};

export const handler = apiHandler(operations.reply_to_email, run);
