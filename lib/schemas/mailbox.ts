import * as z from '../zod.ts';
import { builtOnce } from './built.ts';
import { commonSchemas, headerText, successEnvelope } from './common.ts';
import {
  ANSWER_TEXT_CHARS,
  checkAttachmentTotal,
  emailPage,
  emailSchemas,
  MESSAGE_BODY_BYTES,
  pageLimit,
} from './email.ts';
import { fileSchemas } from './files.ts';

/**
 * Requests and answers of the mailbox operations: search, read, triage, labels, drafts and
 * attachments. Optional fields are `z.nullish()` (strict tool calls send null).
 */

/** The most characters of text one read answers with. */
export const MAX_READ_CHARS = ANSWER_TEXT_CHARS;
export const DEFAULT_READ_CHARS = 20_000;
/** Gmail's batchModify takes at most 1,000 ids per call. */
export const MAX_MODIFY_IDS = 1_000;

export const MODIFY_ACTIONS = ['mark_read', 'mark_unread', 'archive', 'move_to_inbox', 'star', 'unstar'] as const;
export type ModifyAction = (typeof MODIFY_ACTIONS)[number];

const CONFLICTS: ReadonlyArray<readonly [ModifyAction, ModifyAction]> = [
  ['mark_read', 'mark_unread'],
  ['archive', 'move_to_inbox'],
  ['star', 'unstar'],
];

/** Drafts one list_drafts answer holds: by default, and at most. */
export const DEFAULT_DRAFTS = 20;
export const MAX_DRAFTS = 50;

/** This module's schemas, built at their first use (./built.ts says why). */
export const mailboxSchemas = builtOnce('mailbox', () => {
  const { GmailId, Recipients } = commonSchemas();
  const { Attachment, EmailHeaders, SentMessage, UnreadEmail, UnreadEmailsRequest } = emailSchemas();
  const { OpenAiFileRefs } = fileSchemas();
  const readBudget = z
    .nullish(z.number().check(z.int(), z.minimum(500), z.maximum(MAX_READ_CHARS)))
    .check(
      z.describe(`Most characters of text to answer with (500-${MAX_READ_CHARS}, default ${DEFAULT_READ_CHARS}).`),
    );

  const SearchEmailsRequest = z.object({
    query: z
      .nullish(
        z.string().check(
          z.maxLength(1_000),
          z.refine((value) => !/[\p{Cc}]/u.test(value.replace(/[\t ]/g, ' ')), 'must not contain control characters'),
        ),
      )
      .check(
        z.describe(
          'Gmail search as the user would type it in Gmail, operators included: from:, to:, subject:, has:attachment, is:unread, is:starred, in:inbox, label:, after:2026/01/31, before:, "exact phrase", OR, -word. Empty: all mail but spam and trash.',
        ),
      ),
    ...z.pick(UnreadEmailsRequest, { limit: true, page_token: true, include_body: true }).shape,
  });
  const SearchEmail = z.extend(UnreadEmail, {
    has_attachments: z.boolean().check(z.describe('True when the email has files attached (read_email lists them).')),
  });
  const SearchEmailsResponse = emailPage(SearchEmail);

  /** Opaque place to continue a cut read: `<gmail message id>.<character offset>`. */
  const ReadCursor = z
    .string()
    .check(z.regex(/^[A-Za-z0-9_-]{1,128}\.\d{1,9}$/, 'must be a next_cursor from a previous read_email answer'));

  const ReadEmailRequest = z
    .object({
      message_id: z.nullish(GmailId).check(z.describe('Read this one email.')),
      thread_id: z.nullish(GmailId).check(z.describe('Read this whole conversation, oldest message first.')),
      max_chars: readBudget,
      cursor: z
        .nullish(ReadCursor)
        .check(z.describe('next_cursor from a previous answer: continues where that one was cut.')),
    })
    .check(
      z.refine((value) => Boolean(value.message_id) !== Boolean(value.thread_id), {
        message: 'give exactly one of message_id or thread_id',
        path: ['message_id'],
      }),
    );
  /** `attachment_id` as read_email lists it: Gmail's part id and attachment id (the latter alone also works). */
  const AttachmentId = z
    .string()
    .check(z.regex(/^(?:[0-9.]{1,32}~)?[A-Za-z0-9_-]{1,4096}={0,2}$/, 'must be an attachment_id from read_email'));

  const AttachmentInfo = z.object({
    attachment_id: z.string().check(z.describe('Pass to get_attachment with the message_id.')),
    filename: z.string(),
    content_type: z.string(),
    size: z.number().check(z.int(), z.describe('Bytes.')),
  });
  const ReadMessage = z.extend(EmailHeaders, {
    date: z.string(),
    labels: UnreadEmail.shape.labels,
    is_unread: UnreadEmail.shape.is_unread,
    body: z.string().check(z.describe('Readable text (HTML converted), from body_offset on.')),
    body_offset: z
      .number()
      .check(z.int(), z.describe('Where `body` starts in the whole text (above 0 when continued).')),
    body_length: z.number().check(z.int(), z.describe('Characters in the whole text (as read: see body_error).')),
    body_truncated: z.boolean().check(z.describe('True when the text goes on past `body` (see next_cursor).')),
    body_error: z
      .nullable(z.string())
      .check(
        z.describe(
          `Null when the whole text was read. Else why not: at most ${MESSAGE_BODY_BYTES} bytes of text are read per message, in whole parts, so a larger text ends early (the text read is given) or, when its first part alone is larger, is not read at all (body is empty); a malformed message or a Gmail failure leaves the body empty too. Headers and the other messages are given either way. When Gmail was too slow to deliver even the first message of an answer in time, that message comes with its headers, an empty body, this saying so, and next_cursor pointing at it to read it again.`,
        ),
      ),
    attachments: z
      .array(AttachmentInfo)
      .check(
        z.describe(
          'Files attached: parts with a file name or marked as attachments (never part of body). None listed when the message is too deeply nested or has too many parts to read (see body_error).',
        ),
      ),
  });
  const ReadEmailResponse = z.object({
    success: z.literal(true),
    thread_id: z.string(),
    messages: z.array(ReadMessage),
    next_cursor: z
      .nullable(z.string())
      .check(
        z.describe(
          'Pass as cursor to read on; null when everything was read. An answer also ends early, with next_cursor at the next message, when Gmail is slow and the time for one answer runs out: call again to get the rest.',
        ),
      ),
  });

  const LabelName = headerText(225).check(z.trim(), z.minLength(1));

  const ModifyEmailsRequest = z
    .object({
      message_ids: z
        .nullish(z.array(GmailId).check(z.minLength(1), z.maxLength(MAX_MODIFY_IDS)))
        .check(z.describe(`Emails to change (message_id values, up to ${MAX_MODIFY_IDS}).`)),
      thread_id: z.nullish(GmailId).check(z.describe('Or a whole conversation to change.')),
      actions: z
        .nullish(z.array(z.enum(MODIFY_ACTIONS)).check(z.maxLength(MODIFY_ACTIONS.length)))
        .check(
          z.describe('What to do: mark_read, mark_unread, archive (out of the inbox), move_to_inbox, star, unstar.'),
        ),
      add_labels: z
        .nullish(z.array(LabelName).check(z.maxLength(20)))
        .check(z.describe('Label names to add (list_labels shows them).')),
      remove_labels: z.nullish(z.array(LabelName).check(z.maxLength(20))).check(z.describe('Label names to remove.')),
    })
    .check(
      z.superRefine((value, ctx) => {
        if (Boolean(value.message_ids) === Boolean(value.thread_id)) {
          ctx.addIssue({
            code: 'custom',
            path: ['message_ids'],
            message: 'give exactly one of message_ids or thread_id',
          });
        }
        const actions = value.actions ?? [];
        if (actions.length === 0 && !value.add_labels?.length && !value.remove_labels?.length) {
          ctx.addIssue({ code: 'custom', path: ['actions'], message: 'give at least one action or label to change' });
        }
        for (const [a, b] of CONFLICTS) {
          if (actions.includes(a) && actions.includes(b)) {
            ctx.addIssue({ code: 'custom', path: ['actions'], message: `${a} and ${b} contradict each other` });
          }
        }
      }),
    );
  /** What a modify did. */
  const ModifyResult = z.object({
    requested: z
      .number()
      .check(
        z.int(),
        z.describe(
          "How many distinct message ids the change was sent to Gmail for (or 1 thread). Gmail's batchModify reports nothing per id and skips ids not in the mailbox, so this is not a count of emails changed.",
        ),
      ),
    added_labels: z.array(z.string()),
    removed_labels: z.array(z.string()),
  });
  const ModifyEmailsResponse = successEnvelope(ModifyResult);

  const ListLabelsRequest = z.object({});

  const Label = z.object({
    id: z.string(),
    name: z.string(),
    type: z.enum(['system', 'user']),
  });
  const ListLabelsResponse = z.object({ success: z.literal(true), labels: z.array(Label) });

  const CreateDraftRequest = z
    .object({
      message_id: z
        .nullish(GmailId)
        .check(
          z.describe(
            'Make a reply draft to this email: recipients, subject and threading come from it, as reply_to_email does.',
          ),
        ),
      reply_all: z
        .nullish(z.boolean())
        .check(z.describe("With message_id: also address the original's other recipients.")),
      to: z.nullish(Recipients),
      cc: z.nullish(Recipients),
      bcc: z.nullish(Recipients),
      subject: z.nullish(headerText(998)).check(z.describe('Subject line (not with message_id).')),
      body: z.string().check(z.maxLength(200_000), z.describe('Plain-text body.')),
      html: z
        .nullish(z.union([z.string().check(z.maxLength(500_000)), z.boolean()]))
        .check(z.describe('Optional HTML version of the body. `true` means `body` itself is HTML.')),
      attachments: z
        .nullish(z.array(Attachment).check(z.maxLength(20)))
        .check(z.describe('Optional files to attach (base64).')),
      openaiFileIdRefs: OpenAiFileRefs,
    })
    .check(
      z.superRefine((value, ctx) => {
        if (value.message_id) {
          for (const field of ['to', 'cc', 'bcc', 'subject'] as const) {
            if (value[field] !== null && value[field] !== undefined) {
              ctx.addIssue({ code: 'custom', path: [field], message: 'a reply draft takes these from the original' });
            }
          }
        } else {
          if (!value.to)
            ctx.addIssue({ code: 'custom', path: ['to'], message: 'a new draft needs to (or a message_id)' });
          if (value.subject === null || value.subject === undefined) {
            ctx.addIssue({ code: 'custom', path: ['subject'], message: 'a new draft needs a subject' });
          }
        }
        checkAttachmentTotal(value.attachments, ctx);
      }),
    );
  const DraftCreated = z.object({
    draft_id: z.string().check(z.describe('Pass to send_draft or delete_draft.')),
    message_id: z.string(),
    thread_id: z.string(),
    to: z.array(z.string()),
    subject: z.string(),
  });
  const CreateDraftResponse = successEnvelope(DraftCreated);

  const ListDraftsRequest = z.object({
    limit: pageLimit('drafts', MAX_DRAFTS, DEFAULT_DRAFTS),
    page_token: z
      .nullish(z.string().check(z.maxLength(512)))
      .check(z.describe('next_page_token from a previous answer.')),
  });
  /**
   * A draft as list_drafts shows it: its id, the headers of the mail it holds (no sender: that
   * is the user) and a preview.
   */
  const DraftSummary = z.object({
    draft_id: z.string(),
    ...z.pick(EmailHeaders, { message_id: true, thread_id: true, to: true, cc: true, subject: true }).shape,
    snippet: z.string(),
    date: z.string(),
  });
  const ListDraftsResponse = z.object({
    success: z.literal(true),
    count: z.number().check(z.int()),
    drafts: z.array(DraftSummary),
    next_page_token: z.nullable(z.string()),
  });

  const DraftIdRequest = z.object({
    draft_id: GmailId.check(z.describe('draft_id from create_draft or list_drafts.')),
  });
  const SendDraftResponse = successEnvelope(SentMessage);
  const DeleteDraftResponse = successEnvelope(z.object({ draft_id: z.string() }));

  const GetAttachmentRequest = z.object({
    message_id: GmailId.check(z.describe('The email holding the file.')),
    attachment_id: AttachmentId.check(z.describe('attachment_id as read_email lists it.')),
    format: z
      .nullish(z.enum(['file', 'base64']))
      .check(
        z.describe(
          'For files that are not text: "file" (default) hands the file to ChatGPT (openaiFileResponse); "base64" answers its content in `data`.',
        ),
      ),
    max_chars: readBudget,
  });
  /** A file handed back to ChatGPT (GPT Actions' `openaiFileResponse`, inline form). */
  const OpenAiFileResponseItem = z.object({
    name: z.string(),
    mime_type: z.string(),
    content: z.string().check(z.describe('base64')),
  });

  const GetAttachmentResponse = z.object({
    success: z.literal(true),
    message_id: z.string(),
    attachment_id: z.string(),
    filename: z.string(),
    content_type: z.string(),
    size: z.number().check(z.int()),
    text: z.nullable(z.string()).check(z.describe('The content as text, for text-like files (within max_chars).')),
    text_truncated: z.boolean(),
    data: z.nullable(z.string()).check(z.describe('base64 content, when format is "base64" and the file is not text.')),
    openaiFileResponse: z.optional(z.array(OpenAiFileResponseItem)),
  });

  return {
    SearchEmailsRequest,
    SearchEmail,
    SearchEmailsResponse,
    ReadCursor,
    ReadEmailRequest,
    AttachmentId,
    AttachmentInfo,
    ReadMessage,
    ReadEmailResponse,
    ModifyEmailsRequest,
    ModifyResult,
    ModifyEmailsResponse,
    ListLabelsRequest,
    Label,
    ListLabelsResponse,
    CreateDraftRequest,
    DraftCreated,
    CreateDraftResponse,
    ListDraftsRequest,
    DraftSummary,
    ListDraftsResponse,
    DraftIdRequest,
    SendDraftResponse,
    DeleteDraftResponse,
    GetAttachmentRequest,
    OpenAiFileResponseItem,
    GetAttachmentResponse,
  };
});

type Schemas = ReturnType<typeof mailboxSchemas>;
export type SearchEmailsRequest = z.infer<Schemas['SearchEmailsRequest']>;
export type SearchEmail = z.infer<Schemas['SearchEmail']>;
export type ReadEmailRequest = z.infer<Schemas['ReadEmailRequest']>;
export type AttachmentInfo = z.infer<Schemas['AttachmentInfo']>;
export type ReadMessage = z.infer<Schemas['ReadMessage']>;
export type ModifyEmailsRequest = z.infer<Schemas['ModifyEmailsRequest']>;
export type ModifyResult = z.infer<Schemas['ModifyResult']>;
export type Label = z.infer<Schemas['Label']>;
export type CreateDraftRequest = z.infer<Schemas['CreateDraftRequest']>;
export type DraftCreated = z.infer<Schemas['DraftCreated']>;
export type ListDraftsRequest = z.infer<Schemas['ListDraftsRequest']>;
export type DraftSummary = z.infer<Schemas['DraftSummary']>;
export type DraftIdRequest = z.infer<Schemas['DraftIdRequest']>;
export type GetAttachmentRequest = z.infer<Schemas['GetAttachmentRequest']>;
