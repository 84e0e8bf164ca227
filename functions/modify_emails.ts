import { createGmailClient } from '#lib/gmail/client';
import { modifyEmails } from '#lib/gmail/modify';
import { type Action, apiHandler } from '#lib/http/api-handler';
import { operations } from '#lib/operations';

/** Triage: read state, inbox, stars and labels on many emails or a thread at once. */
export const run: Action<typeof operations.modify_emails> = async ({ body, credentials, config }) => {
  const result = await modifyEmails(createGmailClient(credentials, config), body);
  const what = body.thread_id ? 'the thread' : `${result.modified} email${result.modified === 1 ? '' : 's'}`;
  return { message: `Updated ${what}.`, data: result };
};

export const handler = apiHandler(operations.modify_emails, run);
