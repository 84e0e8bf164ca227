import { createGmailClient } from '../../gmail/client.ts';
import { modifyEmails } from '../../gmail/modify.ts';
import type { Action } from '../../http/api-handler.ts';
import { operations } from '../../operations.ts';
import { gmailAction } from './gmail-action.ts';

/** Triage: read state, inbox, stars and labels on many emails or a thread at once. */
export const modify_emails: Action<typeof operations.modify_emails> = gmailAction(
  operations.modify_emails,
  async ({ body, credentials, config }) => {
    const result = await modifyEmails(createGmailClient(credentials, config), body);
    // threads.modify answers 404 for a thread not in the mailbox, so success means it changed;
    // batchModify confirms no id, so the note says what was asked of Gmail and nothing more.
    if (body.thread_id) return { message: 'Updated the thread.', data: result };
    const emails = `${result.requested} email${result.requested === 1 ? '' : 's'}`;
    return {
      message: `Requested the change for ${emails}; Gmail does not confirm each one (ids not in this mailbox are skipped).`,
      data: result,
    };
  },
);
