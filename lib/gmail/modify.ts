import { MAX_MODIFY_IDS, type ModifyAction, type ModifyEmailsRequest, type ModifyResult } from '../schemas/mailbox.ts';
import type { GmailClient } from './client.ts';
import { gmailOperation } from './deadline.ts';
import { gmailCall } from './errors.ts';
import { labelIdsFor, listLabels } from './labels.ts';

/** What each action does to Gmail's system labels. */
const ACTION_LABELS: Record<ModifyAction, { add?: string; remove?: string }> = {
  mark_read: { remove: 'UNREAD' },
  mark_unread: { add: 'UNREAD' },
  archive: { remove: 'INBOX' },
  move_to_inbox: { add: 'INBOX' },
  star: { add: 'STARRED' },
  unstar: { remove: 'STARRED' },
};

/** Splits a list into chunks of at most `size`. */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const result: T[][] = [];
  for (let start = 0; start < items.length; start += size) result.push(items.slice(start, start + size));
  return result;
}

/**
 * The label ids to add and remove for a request: the actions' system labels, plus the
 * user's label names looked up in one `labels.list` (only when names were given).
 */
async function labelChanges(
  gmail: GmailClient,
  input: ModifyEmailsRequest,
  signal: AbortSignal,
): Promise<{ add: string[]; remove: string[] }> {
  const add = new Set<string>();
  const remove = new Set<string>();
  for (const action of input.actions ?? []) {
    const change = ACTION_LABELS[action];
    if (change.add) add.add(change.add);
    if (change.remove) remove.add(change.remove);
  }
  if (input.add_labels?.length || input.remove_labels?.length) {
    const labels = await listLabels(gmail, { signal });
    for (const id of labelIdsFor(input.add_labels ?? [], labels)) add.add(id);
    for (const id of labelIdsFor(input.remove_labels ?? [], labels)) remove.add(id);
  }
  return { add: [...add], remove: [...remove] };
}

/**
 * Triage: marks read or unread, archives, moves to the inbox, stars, unstars and adds or
 * removes labels, on up to 1,000 messages in ONE `messages.batchModify` call per 1,000 ids
 * (50 quota units, whatever the count), or on a whole thread in one `threads.modify`.
 */
export const modifyEmails = /* @__PURE__ */ gmailOperation(
  async (gmail, input: ModifyEmailsRequest, signal): Promise<ModifyResult> => {
    const { add, remove } = await labelChanges(gmail, input, signal);
    const change = {
      ...(add.length > 0 ? { addLabelIds: add } : {}),
      ...(remove.length > 0 ? { removeLabelIds: remove } : {}),
    };
    // Gmail's batchModify answers 204 with no body: it names no id it changed and skips ids
    // not in the mailbox (GMAIL-BEHAVIOURS.md), so the answer counts what was requested.
    // Reading the labels back would cost one messages.get per id (300 ids: 301 calls, not 1).
    let requested = 0;
    if (input.thread_id) {
      const threadId = input.thread_id;
      await gmailCall({ notFound: `No thread with thread_id ${threadId} found` }, () =>
        gmail.users.threads.modify({ userId: 'me', id: threadId, requestBody: change }, { signal }),
      );
      requested = 1;
    } else {
      const ids = [...new Set(input.message_ids ?? [])];
      for (const chunk of chunks(ids, MAX_MODIFY_IDS)) {
        await gmailCall({}, () =>
          gmail.users.messages.batchModify({ userId: 'me', requestBody: { ids: chunk, ...change } }, { signal }),
        );
        requested += chunk.length;
      }
    }
    return { requested, added_labels: add, removed_labels: remove };
  },
);
