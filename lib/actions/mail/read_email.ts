import { createGmailClient } from '../../gmail/client.ts';
import { readEmail } from '../../gmail/read-email.ts';
import type { Action } from '../../http/api-handler.ts';
import type { operations } from '../../operations.ts';

/** One email or a whole conversation, within a character budget, with a cursor to read on. */
export const read_email: Action<typeof operations.read_email> = async ({ body, credentials, config }) =>
  readEmail(createGmailClient(credentials, config), body);
