import { createGmailClient } from '#lib/gmail/client';
import { readEmail } from '#lib/gmail/read-email';
import { type Action, apiHandler } from '#lib/http/api-handler';
import { operations } from '#lib/operations';

/** One email or a whole conversation, within a character budget, with a cursor to read on. */
export const run: Action<typeof operations.read_email> = async ({ body, credentials, config }) =>
  readEmail(createGmailClient(credentials, config), body);

export const handler = apiHandler(operations.read_email, run);
