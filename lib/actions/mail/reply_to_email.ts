import { createGmailClient } from '../../gmail/client.ts';
import { requestAttachments } from '../../gmail/file-refs.ts';
import { replyToEmail } from '../../gmail/reply.ts';
import type { Action } from '../../http/api-handler.ts';
import { operations } from '../../operations.ts';
import { gmailAction } from './gmail-action.ts';

/** Answers a mail inside its original thread; sent once, as send_email (the registry says so). */
export const reply_to_email: Action<typeof operations.reply_to_email> = gmailAction(
  operations.reply_to_email,
  async (request) => {
    const { body, credentials, config } = request;
    const attachments = await requestAttachments(body, config);
    const reply = await replyToEmail(createGmailClient(credentials, config), { ...body, attachments });
    return { message: `Reply sent to ${reply.to.join(', ')}`, data: reply };
  },
);
