import * as z from '../zod.ts';
import { builtOnce } from './built.ts';
import { addressesIn, commonSchemas, headerText, MAX_RECIPIENTS, recipientList, successEnvelope } from './common.ts';
import { fileSchemas } from './files.ts';

/** Largest total attachment size we accept, decoded. Base64 in JSON grows it by 4/3 and
 * a synchronous Lambda payload is capped at 6 MB. */
export const MAX_ATTACHMENT_BYTES = 3 * 1024 * 1024;

/**
 * Characters of mail text one answer may carry (all bodies of a page, or a read's text),
 * leaving room for the rest of the JSON under ChatGPT's 100,000-character limit on an answer.
 */
export const ANSWER_TEXT_CHARS = 60_000;

/**
 * Most bytes of text parts read for one message's body (lib/gmail/message-body.ts says how):
 * what one message from a stranger may cost, in memory and in Gmail traffic.
 */
export const MESSAGE_BODY_BYTES = 1024 * 1024;

/** Longest subject line (RFC 5322's line length), for sends and for replies built from an original. */
export const MAX_SUBJECT_CHARS = 998;

/**
 * Addresses an answer lists per recipient header (To, Cc) of a mail it shows: one header
 * from a stranger may hold thousands, and the answer says how many more there were.
 */
export const MAX_LISTED_ADDRESSES = 50;

/**
 * Whether a media type names a file (a leaf). `multipart/*` would become part of the mail's
 * own structure (the data lost in a broken multipart) and `message/*` would put the
 * caller's bytes inline as a forged inner message, so neither is an attachment type.
 */
export function isLeafMediaType(contentType: string): boolean {
  return !/^\s*(multipart|message)\//i.test(contentType);
}

export const LEAF_MEDIA_TYPE_MESSAGE =
  'must be a file type like "application/pdf": multipart/* and message/* are mail structure, not files (send an email file as application/octet-stream)';

/** Refuses base64 `attachments` whose decoded total exceeds {@link MAX_ATTACHMENT_BYTES}. */
export function checkAttachmentTotal(
  attachments: readonly Attachment[] | null | undefined,
  ctx: z.core.$RefinementCtx,
): void {
  const bytes = (attachments ?? []).reduce((sum, file) => sum + Math.floor((file.data.length * 3) / 4), 0);
  if (bytes > MAX_ATTACHMENT_BYTES) {
    ctx.addIssue({
      code: 'custom',
      path: ['attachments'],
      message: `attachments may total at most ${MAX_ATTACHMENT_BYTES} bytes, got about ${bytes}`,
    });
  }
}

/** A request's `limit`: how many `items` one answer holds, 1 to `max`, `fallback` when not given. */
export function pageLimit(items: string, max: number, fallback: number) {
  return z
    .nullish(z.number().check(z.int(), z.minimum(1), z.maximum(max)))
    .check(z.describe(`How many ${items}, 1-${max} (default ${fallback}).`));
}

/** Emails one page of get_unread_emails or search_emails holds: by default, and at most. */
export const DEFAULT_EMAILS_PER_PAGE = 10;
export const MAX_EMAILS_PER_PAGE = 100;

/** A recipient header of a mail as answers show it: capped at {@link MAX_LISTED_ADDRESSES}. */
const recipientsShown = (header: string) =>
  z
    .array(z.string())
    .check(
      z.describe(
        `The ${header} addresses as \`Name <address>\`, at most ${MAX_LISTED_ADDRESSES}; when the mail lists more, a last entry \`(and N more)\` says how many were left out.`,
      ),
    );

/** One page of emails, the answer of get_unread_emails and search_emails. */
export function emailPage<Email extends z.ZodMiniType>(email: Email) {
  return z.object({
    success: z.literal(true),
    count: z.number().check(z.int()),
    emails: z.array(email),
    next_page_token: z.nullable(z.string()),
  });
}

/** This module's schemas, built at their first use (./built.ts says why). */
export const emailSchemas = builtOnce('email', () => {
  const { GmailId, Recipients } = commonSchemas();
  const { OpenAiFileRefs } = fileSchemas();
  const Attachment = z.object({
    filename: headerText(255).check(z.minLength(1), z.describe('File name shown to the recipient.')),
    content_type: z
      .string()
      .check(
        z.regex(/^[\w.+-]+\/[\w.+-]+$/, 'must be a MIME type like "application/pdf"'),
        z.refine(isLeafMediaType, LEAF_MEDIA_TYPE_MESSAGE),
        z.describe('MIME type of the file, e.g. "application/pdf" (not multipart/* or message/*).'),
      ),
    data: z
      .string()
      .check(z.regex(/^[A-Za-z0-9+/_-]*={0,2}$/, 'must be base64'), z.describe('File content, base64-encoded.')),
  });
  const SendEmailRequest = z
    .object({
      to: Recipients,
      cc: z.nullish(Recipients),
      bcc: z.nullish(Recipients),
      subject: headerText(MAX_SUBJECT_CHARS).check(z.describe('Subject line; any language.')),
      body: z.string().check(z.maxLength(200_000), z.describe('Plain-text body.')),
      html: z
        .nullish(z.union([z.string().check(z.maxLength(500_000)), z.boolean()]))
        .check(
          z.describe(
            'Optional HTML version of the body (sent as multipart/alternative). `true` means `body` itself is HTML.',
          ),
        ),
      attachments: z.nullish(z.array(Attachment).check(z.maxLength(20))).check(z.describe('Optional files to attach.')),
      openaiFileIdRefs: OpenAiFileRefs,
    })
    .check(
      z.superRefine((value, ctx) => {
        const count = [value.to, value.cc, value.bcc]
          .flatMap((field) => recipientList(field))
          .flatMap(addressesIn).length;
        if (count > MAX_RECIPIENTS) {
          ctx.addIssue({
            code: 'custom',
            path: ['to'],
            message: `at most ${MAX_RECIPIENTS} recipients in all (to, cc and bcc), got ${count}`,
          });
        }
        checkAttachmentTotal(value.attachments, ctx);
      }),
    );
  const SentMessage = z.object({
    message_id: z.string().check(z.describe('Gmail id of the sent message.')),
    thread_id: z.string().check(z.describe('Gmail id of its thread.')),
    repeat: z
      .boolean()
      .check(
        z.describe(
          'True when this request repeated one answered moments ago: nothing was sent again, this is the first answer.',
        ),
      ),
  });

  const SendEmailResponse = successEnvelope(SentMessage);

  const UnreadEmailsRequest = z.object({
    limit: pageLimit('emails to return', MAX_EMAILS_PER_PAGE, DEFAULT_EMAILS_PER_PAGE),
    page_token: z
      .nullish(z.string().check(z.maxLength(512)))
      .check(z.describe('next_page_token from a previous answer, for the next page.')),
    query: z
      .nullish(z.string().check(z.maxLength(500)))
      .check(
        z.describe(
          'Optional words to narrow the unread inbox (matched as plain words; search operators are not interpreted).',
        ),
      ),
    include_body: z.nullish(z.boolean()).check(z.describe('Include each email body as text (default true).')),
  });
  /**
   * Which email, from whom, to whom and about what: the fields every answer that lists or
   * reads mail starts with (get_unread_emails, search_emails, read_email; list_drafts picks
   * its recipients and subject).
   */
  const EmailHeaders = z.object({
    message_id: z.string(),
    thread_id: z.string(),
    from_email: z.string(),
    from_name: z.string(),
    to: recipientsShown('To'),
    cc: recipientsShown('Cc'),
    subject: z.string(),
  });

  const UnreadEmail = z.extend(EmailHeaders, {
    body: z.string().check(z.describe('Readable text of the body (HTML converted to text), possibly truncated.')),
    body_truncated: z.boolean(),
    body_error: z
      .nullable(z.string())
      .check(
        z.describe(
          'Why the body could not be read (too large, malformed, or Gmail too slow), or null when it was. Headers and snippet are still given.',
        ),
      ),
    snippet: z.string(),
    date: z.string().check(z.describe('Date header as sent, or the received time in ISO 8601.')),
    is_unread: z.boolean(),
    labels: z.array(z.string()),
  });
  const UnreadEmailsResponse = emailPage(UnreadEmail);

  const ReplyEmailRequest = z
    .object({
      message_id: z
        .nullish(GmailId)
        .check(z.describe('Id of the email to reply to (message_id from get_unread_emails).')),
      thread_id: z.nullish(GmailId).check(z.describe('Id of the thread to reply in (its latest message is answered).')),
      sender_email: z
        .nullish(z.email().check(z.maxLength(320)))
        .check(
          z.describe('Reply to the latest email from this address (used when no message_id or thread_id is given).'),
        ),
      body: z.string().check(z.maxLength(200_000), z.describe('Plain-text reply.')),
      html: z
        .nullish(z.union([z.string().check(z.maxLength(500_000)), z.boolean()]))
        .check(z.describe('Optional HTML version of the reply. `true` means `body` itself is HTML.')),
      reply_all: z
        .nullish(z.boolean())
        .check(z.describe("Also reply to the original's other recipients (default false).")),
      attachments: z
        .nullish(z.array(Attachment).check(z.maxLength(20)))
        .check(z.describe('Optional files to attach (base64).')),
      openaiFileIdRefs: OpenAiFileRefs,
    })
    .check(
      z.refine((value) => Boolean(value.message_id || value.thread_id || value.sender_email), {
        message: 'give one of message_id, thread_id or sender_email',
        path: ['message_id'],
      }),
      z.superRefine((value, ctx) => checkAttachmentTotal(value.attachments, ctx)),
    );
  const ReplyEmailResponse = successEnvelope(
    z.extend(SentMessage, {
      to: z.array(z.string()).check(z.describe('Who the reply went to.')),
      subject: z.string(),
      in_reply_to: z.string().check(z.describe('Gmail id of the message answered.')),
      notes: z
        .array(z.string())
        .check(z.describe("What was left out of the original's recipients and why (invalid addresses, over 100).")),
    }),
  );

  return {
    Attachment,
    SendEmailRequest,
    SentMessage,
    SendEmailResponse,
    UnreadEmailsRequest,
    EmailHeaders,
    UnreadEmail,
    UnreadEmailsResponse,
    ReplyEmailRequest,
    ReplyEmailResponse,
  };
});

type Schemas = ReturnType<typeof emailSchemas>;
export type Attachment = z.infer<Schemas['Attachment']>;
export type SendEmailRequest = z.infer<Schemas['SendEmailRequest']>;
export type UnreadEmailsRequest = z.infer<Schemas['UnreadEmailsRequest']>;
export type UnreadEmail = z.infer<Schemas['UnreadEmail']>;
export type ReplyEmailRequest = z.infer<Schemas['ReplyEmailRequest']>;
