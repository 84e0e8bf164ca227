import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import { BrokerError } from '../errors.ts';
import { type Attachment, isLeafMediaType, LEAF_MEDIA_TYPE_MESSAGE } from '../schemas/email.ts';
import type { Mailbox } from './parse.ts';

/** A recipient: a string (`a@b.c`, `Name <a@b.c>`, or a comma list) or a parsed mailbox. */
export type RecipientInput = string | Mailbox;

/** Everything a mail is built from. Optional fields accept null like the request schemas. */
export interface MailDraft {
  from?: string | null | undefined;
  to: readonly RecipientInput[];
  cc?: readonly RecipientInput[] | null | undefined;
  bcc?: readonly RecipientInput[] | null | undefined;
  subject: string;
  /** Plain text; HTML when `html` is `true` (the original API's flag). */
  body: string;
  /** An HTML alternative, or `true` when `body` itself is HTML. */
  html?: string | boolean | null | undefined;
  attachments?: readonly Attachment[] | null | undefined;
  /** Message-ID of the mail answered (replies). */
  inReplyTo?: string | null | undefined;
  /** The whole Message-ID chain of the thread, oldest first (replies). */
  references?: readonly string[] | null | undefined;
}

const LINE_BREAK = /[\r\n]/;

/**
 * Refuses a header value with CR or LF. The request schemas already do; this is the second
 * line, because MailComposer would silently turn the break into a space and send anyway.
 */
function assertHeaderSafe(field: string, value: string | null | undefined): void {
  if (value !== null && value !== undefined && LINE_BREAK.test(value)) {
    throw new BrokerError('invalid_request', `${field} must not contain line breaks (CR or LF).`, {
      details: [{ field, message: 'must not contain line breaks (CR or LF)' }],
    });
  }
}

function checkedRecipients(field: string, list: readonly RecipientInput[] | null | undefined): Array<string | Mailbox> {
  return (list ?? []).map((recipient, index) => {
    if (typeof recipient === 'string') assertHeaderSafe(`${field}[${index}]`, recipient);
    else {
      assertHeaderSafe(`${field}[${index}]`, recipient.name);
      assertHeaderSafe(`${field}[${index}]`, recipient.address);
    }
    return typeof recipient === 'string' ? recipient : { name: recipient.name, address: recipient.address };
  });
}

/** The text and HTML parts: `html: true` means the body is HTML and the text is derived. */
async function bodies(draft: MailDraft): Promise<{ text: string; html?: string }> {
  if (draft.html === true) {
    // Only an HTML body needs the converter (htmlparser2, entities): loaded on the first one.
    const { htmlToText } = await import('./html-to-text.ts');
    return { text: htmlToText(draft.body), html: draft.body };
  }
  if (typeof draft.html === 'string' && draft.html.length > 0) return { text: draft.body, html: draft.html };
  return { text: draft.body };
}

/**
 * Builds the RFC 822 message with nodemailer's MailComposer (RFC 2047 headers, folding,
 * multipart/alternative, attachments, threading headers). Bcc is kept in the output:
 * Gmail reads the Bcc recipients from `raw` and removes the header itself on delivery.
 *
 * @throws BrokerError `invalid_request` when a header value contains CR or LF.
 */
export async function composeMessage(draft: MailDraft): Promise<Buffer> {
  assertHeaderSafe('from', draft.from);
  assertHeaderSafe('subject', draft.subject);
  assertHeaderSafe('inReplyTo', draft.inReplyTo);
  for (const [index, id] of (draft.references ?? []).entries()) assertHeaderSafe(`references[${index}]`, id);
  for (const [index, file] of (draft.attachments ?? []).entries()) {
    assertHeaderSafe(`attachments[${index}].filename`, file.filename);
    assertHeaderSafe(`attachments[${index}].content_type`, file.content_type);
    // The schema refuses these too; MailComposer would build them into the mail's structure.
    if (!isLeafMediaType(file.content_type)) {
      const field = `attachments[${index}].content_type`;
      throw new BrokerError('invalid_request', `${field} ${LEAF_MEDIA_TYPE_MESSAGE}.`, {
        details: [{ field, message: LEAF_MEDIA_TYPE_MESSAGE }],
      });
    }
  }
  const to = checkedRecipients('to', draft.to);
  const cc = checkedRecipients('cc', draft.cc);
  const bcc = checkedRecipients('bcc', draft.bcc);

  const composer = new MailComposer({
    ...(draft.from ? { from: draft.from } : {}),
    to,
    ...(cc.length > 0 ? { cc } : {}),
    ...(bcc.length > 0 ? { bcc } : {}),
    subject: draft.subject,
    ...(await bodies(draft)),
    ...(draft.inReplyTo ? { inReplyTo: draft.inReplyTo } : {}),
    ...(draft.references && draft.references.length > 0 ? { references: [...draft.references] } : {}),
    attachments: (draft.attachments ?? []).map((file) => ({
      filename: file.filename,
      contentType: file.content_type,
      // Node's base64 decoder also takes the URL-safe alphabet the schema allows.
      content: Buffer.from(file.data, 'base64'),
    })),
    // Content comes only from the request: never let a value name a file or a URL to read.
    disableFileAccess: true,
    disableUrlAccess: true,
  });
  const root = composer.compile();
  // Without this MailComposer drops the Bcc header and Bcc recipients never get the mail.
  root.keepBcc = true;
  return root.build();
}
