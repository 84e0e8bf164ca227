import { BrokerError } from '../errors.ts';
import { recipientList } from '../schemas/common.ts';
import type { Attachment } from '../schemas/email.ts';
import {
  type CreateDraftRequest,
  DEFAULT_DRAFTS,
  type DraftCreated,
  type DraftSummary,
  type ListDraftsRequest,
} from '../schemas/mailbox.ts';
import type { GmailClient } from './client.ts';
import { composeMessage, type MailDraft } from './compose.ts';
import { mapWithConcurrency } from './concurrency.ts';
import { type GmailOperationOptions, gmailOperation, operationSignal } from './deadline.ts';
import { countedSend, gmailCall } from './errors.ts';
import { decodeEntities } from './html-to-text.ts';
import { formatMailbox } from './parse.ts';
import { shownHeaders } from './payload.ts';
import { prepareReply } from './reply.ts';
import { SEND_TIMEOUT_MS, type SentMessage, UPLOAD_THRESHOLD_BYTES } from './send.ts';
import { FETCH_CONCURRENCY } from './unread.ts';

/**
 * Drafts: the safe way for a model to write mail. It drafts, the user (or the model, once
 * the user agrees) reviews, then sends the draft as it stands, or deletes it.
 */

/** One page of drafts. */
export interface DraftsPage {
  drafts: DraftSummary[];
  next_page_token: string | null;
}

const compose = (notFound?: string) => (notFound ? { notFound } : {});

/**
 * Creates a draft from the fields of a send, or a reply draft to `message_id` threaded
 * exactly as reply_to_email threads (same recipients, subject and References logic, and the
 * original's Gmail thread). `attachments` are all files, base64 and fetched links alike.
 */
export async function createDraft(
  gmail: GmailClient,
  input: CreateDraftRequest,
  attachments: readonly Attachment[],
  options: GmailOperationOptions = {},
): Promise<DraftCreated> {
  const call = { signal: operationSignal(options) };
  let mail: MailDraft;
  let threadId: string | null = null;
  let shown: string[];
  if (input.message_id) {
    const reply = await prepareReply(
      gmail,
      { message_id: input.message_id, body: input.body, reply_all: input.reply_all ?? false },
      call,
    );
    mail = {
      to: reply.to,
      cc: reply.cc,
      subject: reply.subject,
      body: input.body,
      html: input.html,
      attachments,
      inReplyTo: reply.inReplyTo,
      references: reply.references,
    };
    threadId = reply.original.threadId;
    shown = [...reply.to, ...reply.cc].map(formatMailbox);
  } else {
    mail = {
      to: recipientList(input.to),
      cc: recipientList(input.cc),
      bcc: recipientList(input.bcc),
      subject: input.subject ?? '',
      body: input.body,
      html: input.html,
      attachments,
    };
    shown = [...recipientList(input.to), ...recipientList(input.cc)];
  }
  const raw = await composeMessage(mail);
  const thread = threadId ? { threadId } : {};
  // As for sends: small drafts as `{raw}` JSON, large ones (files) through the upload endpoint.
  const { data } = await gmailCall(compose(), () =>
    raw.length <= UPLOAD_THRESHOLD_BYTES
      ? gmail.users.drafts.create(
          { userId: 'me', requestBody: { message: { raw: raw.toString('base64url'), ...thread } } },
          call,
        )
      : gmail.users.drafts.create(
          {
            userId: 'me',
            requestBody: { message: thread },
            media: { mimeType: 'message/rfc822', body: raw },
          },
          { ...call, timeout: SEND_TIMEOUT_MS },
        ),
  );
  if (!data.id || !data.message?.id)
    throw new BrokerError('upstream_error', 'Gmail created the draft but returned no id.');
  return {
    draft_id: data.id,
    message_id: data.message.id,
    thread_id: data.message.threadId ?? threadId ?? data.message.id,
    to: shown,
    subject: mail.subject,
  };
}

/** The user's drafts, newest first: one list, then each draft's headers in parallel. */
export const listDrafts = /* @__PURE__ */ gmailOperation(
  async (gmail, input: ListDraftsRequest, signal): Promise<DraftsPage> => {
    const { data } = await gmailCall(compose(), () =>
      gmail.users.drafts.list(
        {
          userId: 'me',
          maxResults: input.limit ?? DEFAULT_DRAFTS,
          ...(input.page_token ? { pageToken: input.page_token } : {}),
        },
        { signal },
      ),
    );
    const ids = (data.drafts ?? []).flatMap((draft) => (draft.id ? [draft.id] : []));
    const drafts = await mapWithConcurrency(ids, FETCH_CONCURRENCY, async (id): Promise<DraftSummary | null> => {
      try {
        const { data: draft } = await gmailCall(compose(), () =>
          gmail.users.drafts.get({ userId: 'me', id, format: 'metadata' }, { signal }),
        );
        const message = draft.message ?? {};
        const headers = shownHeaders(message);
        return {
          draft_id: draft.id ?? id,
          message_id: message.id ?? '',
          thread_id: message.threadId ?? '',
          to: headers.to,
          cc: headers.cc,
          subject: headers.subject,
          snippet: decodeEntities(message.snippet ?? ''),
          date: headers.date,
        };
      } catch (error) {
        // Sent or deleted since the list.
        if (error instanceof BrokerError && error.kind === 'not_found') return null;
        throw error;
      }
    });
    return {
      drafts: drafts.filter((draft): draft is DraftSummary => draft !== null),
      next_page_token: data.nextPageToken ?? null,
    };
  },
);

/** Sends a draft as it stands (Gmail removes the draft). POST: never retried. */
export const sendDraft = /* @__PURE__ */ gmailOperation(
  async (gmail, draftId: string, signal): Promise<SentMessage> => {
    const { data } = await countedSend(() =>
      gmailCall(compose(`No draft with draft_id ${draftId} found`), () =>
        gmail.users.drafts.send({ userId: 'me', requestBody: { id: draftId } }, { signal }),
      ),
    );
    if (!data.id) throw new BrokerError('upstream_error', 'Gmail sent the draft but returned no id.');
    return { message_id: data.id, thread_id: data.threadId ?? data.id };
  },
);

/** Deletes a draft for good (it does not go to the trash). */
export const deleteDraft = /* @__PURE__ */ gmailOperation(async (gmail, draftId: string, signal): Promise<void> => {
  await gmailCall(compose(`No draft with draft_id ${draftId} found`), () =>
    gmail.users.drafts.delete({ userId: 'me', id: draftId }, { signal }),
  );
});
