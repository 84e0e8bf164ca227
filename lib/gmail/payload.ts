import type { gmail_v1 } from '@googleapis/gmail';
import { MAX_LISTED_ADDRESSES, MAX_SUBJECT_CHARS } from '../schemas/email.ts';
import type { AttachmentInfo } from '../schemas/mailbox.ts';
import {
  decodeHeaderText,
  formatMailbox,
  MAX_HEADER_CHARS,
  type Mailbox,
  readMailHeaders,
  truncateText,
} from './parse.ts';
import { MAX_PART_DEPTH, type MessageParts, type Part, partHeader } from './part-tree.ts';

/**
 * Reading a Gmail message resource: the headers every answer shows, and the files attached
 * as the part-tree walk (part-tree.ts) found them (the body is read by message-body.ts).
 * Gmail has already undone the transfer encodings; text parts come as UTF-8 while their
 * Content-Type still names the sender's charset (mail-text.ts reads both).
 */

/** The headers every answer that shows a message gives, read through the one capped reader. */
export interface ShownHeaders {
  from: Mailbox | null;
  /** As {@link listedAddresses} shows them. */
  to: string[];
  cc: string[];
  /** Decoded, at most {@link MAX_SUBJECT_CHARS} characters (a subject line's longest). */
  subject: string;
  /** The Date header as sent, else the received time in ISO 8601. */
  date: string;
}

/** What a part needs for its layout to be read, without its content. */
const PART_FIELDS = 'headers,mimeType,filename,partId,body/size,body/attachmentId';

function nestedParts(levels: number): string {
  return levels === 0 ? PART_FIELDS : `${PART_FIELDS},parts(${nestedParts(levels - 1)})`;
}

/**
 * The `fields` selector for a `format=full` get that needs headers and part layout but no
 * content. Gmail's selectors name each level of nesting, so it names every level the walk
 * reads ({@link MAX_PART_DEPTH}): an attachment read_email lists is always found again.
 */
export const PARTS_WITHOUT_DATA = `payload(${nestedParts(MAX_PART_DEPTH)})`;

/** The `charset` parameter of a part's Content-Type, lowercased, or null: what the sender declared. */
export function charsetOf(part: Part): string | null {
  const match = /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(partHeader(part, 'Content-Type') ?? '');
  return match?.[1]?.toLowerCase() ?? null;
}

/** The id get_attachment takes: Gmail's part id (stable) and attachment id (which Gmail may reissue). */
export function attachmentIdOf(part: Part): string | null {
  const id = part.body?.attachmentId;
  if (!id) return null;
  return part.partId ? `${part.partId}~${id}` : id;
}

/** An attachment's file name as shown (cut like a header: it comes from one), or 'attachment' when it has none. */
export function fileNameOf(part: Part): string {
  return decodeHeaderText(part.filename?.slice(0, MAX_HEADER_CHARS)) || 'attachment';
}

/** The files of a message, in order: every attachment part with content to fetch. */
export function attachmentsOf(parts: MessageParts): AttachmentInfo[] {
  return parts.attachments.flatMap((part): AttachmentInfo[] => {
    const id = attachmentIdOf(part);
    if (!id) return [];
    return [
      {
        attachment_id: id,
        filename: fileNameOf(part),
        content_type: (part.mimeType ?? 'application/octet-stream').toLowerCase(),
        size: part.body?.size ?? 0,
      },
    ];
  });
}

/** The received time of a message in ISO 8601, or ''. */
export function receivedAt(message: gmail_v1.Schema$Message): string {
  const millis = Number(message.internalDate);
  return Number.isFinite(millis) && message.internalDate ? new Date(millis).toISOString() : '';
}

/**
 * The one rule for showing a recipient header: `Name <a@b>` strings, at most
 * {@link MAX_LISTED_ADDRESSES}, then `(and N more)` when the header held more.
 */
export function listedAddresses(mailboxes: Mailbox[]): string[] {
  const shown = mailboxes.slice(0, MAX_LISTED_ADDRESSES).map(formatMailbox);
  const more = mailboxes.length - shown.length;
  return more > 0 ? [...shown, `(and ${more} more)`] : shown;
}

/**
 * The headers a listing, read_email or the drafts list show of a message (`format=full` or
 * `metadata`), recipients already capped: every answer that shows a mail's headers takes them from here.
 */
export function shownHeaders(message: gmail_v1.Schema$Message): ShownHeaders {
  const mail = readMailHeaders(message.payload?.headers);
  return {
    from: mail.from,
    to: listedAddresses(mail.to),
    cc: listedAddresses(mail.cc),
    subject: truncateText(mail.subject, MAX_SUBJECT_CHARS).text,
    date: mail.date || receivedAt(message),
  };
}

/** How every answer that shows a message names it: ids, sender, recipients, subject, date, labels. */
export function messageSummary(message: gmail_v1.Schema$Message, headers: ShownHeaders) {
  const labels = message.labelIds ?? [];
  return {
    message_id: message.id ?? '',
    thread_id: message.threadId ?? '',
    from_email: headers.from?.address ?? '',
    from_name: headers.from?.name || headers.from?.address || '',
    to: headers.to,
    cc: headers.cc,
    subject: headers.subject,
    date: headers.date,
    labels,
    is_unread: labels.includes('UNREAD'),
  };
}
