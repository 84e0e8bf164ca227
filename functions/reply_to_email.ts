import { createGmailClient } from '#lib/gmail/client';
import { replyToEmail } from '#lib/gmail/reply';
import { type Action, apiHandler } from '#lib/http/api-handler';
import { once } from '#lib/idempotency';
import { operations } from '#lib/operations';

/** Answers a mail inside its original thread, once (as send_email: a retry sends nothing). */
export const run: Action<typeof operations.reply_to_email> = async ({
  body,
  credentials,
  config,
  context,
  idempotencyKey,
}) => {
  const { result: reply, repeat } = await once(
    {
      config,
      context,
      operation: 'reply_to_email',
      caller: credentials.accessToken,
      request: body,
      key: idempotencyKey,
    },
    () => replyToEmail(createGmailClient(credentials, config), body),
  );
  const to = reply.to.join(', ');
  return {
    message: repeat ? `Reply already sent to ${to} moments ago; not sent again.` : `Reply sent to ${to}`,
    data: { ...reply, repeat },
  };
};

export const handler = apiHandler(operations.reply_to_email, run);
