import { createGmailClient } from '#lib/gmail/client';
import { sendEmail } from '#lib/gmail/send';
import { type Action, apiHandler } from '#lib/http/api-handler';
import { once } from '#lib/idempotency';
import { operations } from '#lib/operations';
import { recipientList } from '#lib/schemas/common';

/**
 * Sends a mail from the caller's own Gmail account, once: a retry of the same request (or
 * of the same Idempotency-Key) answers the first result and sends nothing.
 */
export const run: Action<typeof operations.send_email> = async ({
  body,
  credentials,
  config,
  context,
  idempotencyKey,
}) => {
  const { result: sent, repeat } = await once(
    { config, context, operation: 'send_email', caller: credentials.accessToken, request: body, key: idempotencyKey },
    () => sendEmail(createGmailClient(credentials, config), body),
  );
  const to = recipientList(body.to).join(', ');
  return {
    message: repeat ? `Already sent to ${to} moments ago; not sent again.` : `Email sent to ${to}`,
    data: { ...sent, repeat },
  };
};

export const handler = apiHandler(operations.send_email, run);
