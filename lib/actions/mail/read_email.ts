import { createGmailClient } from '../../gmail/client.ts';
import { readEmail } from '../../gmail/read-email.ts';
import type { Action } from '../../http/api-handler.ts';
import { operations } from '../../operations.ts';
import { gmailAction } from './gmail-action.ts';

/** One email or a whole conversation, within a character budget, with a cursor to read on. */
export const read_email: Action<typeof operations.read_email> = gmailAction(
  operations.read_email,
  async ({ body, credentials, config }) => readEmail(createGmailClient(credentials, config), body),
);
