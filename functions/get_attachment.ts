import { getAttachment } from '#lib/gmail/attachments';
import { createGmailClient } from '#lib/gmail/client';
import { type Action, apiHandler } from '#lib/http/api-handler';
import { operations } from '#lib/operations';

/** One file of an email: text as text, other files handed to ChatGPT or as base64. */
export const run: Action<typeof operations.get_attachment> = async ({ body, credentials, config }) =>
  getAttachment(createGmailClient(credentials, config), body);

export const handler = apiHandler(operations.get_attachment, run);
