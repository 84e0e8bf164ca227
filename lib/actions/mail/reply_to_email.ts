import { createGmailClient } from '../../gmail/client.ts';
import { requestAttachments } from '../../gmail/file-refs.ts';
import { replyToEmail } from '../../gmail/reply.ts';
import type { Action } from '../../http/api-handler.ts';
import { once } from '../../idempotency.ts';
import { operations } from '../../operations.ts';
import { gmailAction } from './gmail-action.ts';

/** Answers a mail inside its original thread, once (as send_email: a retry sends nothing). */
export const reply_to_email: Action<typeof operations.reply_to_email> = gmailAction(
  operations.reply_to_email,
  async (request) => {
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
  },
);
