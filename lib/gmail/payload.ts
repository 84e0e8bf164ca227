import type { gmail_v1 } from '@googleapis/gmail';
import type { AttachmentInfo } from '../schemas/mailbox.ts';
import { decodeHeaderText, formatMailbox, type Mailbox, parseAddressHeader } from './parse.ts';
import { repairWindows1252 } from './windows-1252.ts';

/**
 * Reading a Gmail message resource fetched with `format=full`: its headers and the files
 * attached (its body is read by message-body.ts). Gmail has already undone the transfer
 * encodings; the bytes are still in each part's own charset.
 */

type Part = gmail_v1.Schema$MessagePart;

/** What the mailbox operations show of one message. */
export interface MessageView {
  from: Mailbox | null;
  to: string[];
  cc: string[];
  subject: string;
  /** The Date header as sent, else the received time in ISO 8601. */
  date: string;
  attachments: AttachmentInfo[];
}

/** The `fields` selector for a `format=full` get that needs headers and part layout but no content. */
export const PARTS_WITHOUT_DATA =
  'payload(headers,mimeType,filename,partId,body/size,body/attachmentId,parts(headers,mimeType,filename,partId,body/size,body/attachmentId,parts(headers,mimeType,filename,partId,body/size,body/attachmentId,parts(headers,mimeType,filename,partId,body/size,body/attachmentId))))';

/** A header of a part (case-insensitive name), or null. */
export function partHeader(part: Part | undefined, name: string): string | null {
  const wanted = name.toLowerCase();
  return part?.headers?.find((entry) => entry.name?.toLowerCase() === wanted)?.value ?? null;
}

/** The `charset` parameter of a part's Content-Type, lowercased, or null. */
export function charsetOf(part: Part): string | null {
  const match = /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(partHeader(part, 'Content-Type') ?? '');
  return match?.[1]?.toLowerCase() ?? null;
}

/** Decodes bytes in a charset the runtime knows, else as UTF-8 (never throws). */
export function decodeText(bytes: Uint8Array, charset: string | null): string {
  try {
    return repairWindows1252(new TextDecoder(charset ?? 'utf-8').decode(bytes));
  } catch {
    // An unknown charset label: UTF-8 is the likeliest truth and never fails.
    return new TextDecoder('utf-8').decode(bytes);
  }
}

const isAttachment = (part: Part) => Boolean(part.filename);

/** Every leaf part, depth first, in document order. */
function leaves(part: Part | undefined): Part[] {
  if (!part) return [];
  if (part.parts && part.parts.length > 0) return part.parts.flatMap(leaves);
  return [part];
}

/** The id get_attachment takes: Gmail's part id (stable) and attachment id (which Gmail may reissue). */
export function attachmentIdOf(part: Part): string | null {
  const id = part.body?.attachmentId;
  if (!id) return null;
  return part.partId ? `${part.partId}~${id}` : id;
}

/** The files of a message, in order: every named leaf part with content to fetch. */
export function attachmentsOf(payload: Part | undefined): AttachmentInfo[] {
  return leaves(payload).flatMap((part): AttachmentInfo[] => {
    const id = isAttachment(part) ? attachmentIdOf(part) : null;
    if (!id) return [];
    return [
      {
        attachment_id: id,
        filename: decodeHeaderText(part.filename ?? ''),
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

/** Headers and attachments of a `format=full` message. */
export function viewMessage(message: gmail_v1.Schema$Message): MessageView {
  const payload = message.payload;
  return {
    from: parseAddressHeader(partHeader(payload, 'From'))[0] ?? null,
    to: parseAddressHeader(partHeader(payload, 'To')).map(formatMailbox),
    cc: parseAddressHeader(partHeader(payload, 'Cc')).map(formatMailbox),
    subject: decodeHeaderText(partHeader(payload, 'Subject')),
    date: partHeader(payload, 'Date')?.trim() || receivedAt(message),
    attachments: attachmentsOf(payload),
  };
}
