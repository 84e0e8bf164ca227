import { getAttachment } from '../../gmail/attachments.ts';
import { createGmailClient } from '../../gmail/client.ts';
import type { Action } from '../../http/api-handler.ts';
import { operations } from '../../operations.ts';
import { gmailAction } from './gmail-action.ts';

/** One file of an email: text as text, other files handed to ChatGPT or as base64. */
export const get_attachment: Action<typeof operations.get_attachment> = gmailAction(
  operations.get_attachment,
  async ({ body, credentials, config }) => getAttachment(createGmailClient(credentials, config), body),
);
