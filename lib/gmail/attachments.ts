import { BrokerError } from '../errors.ts';
import { MAX_ATTACHMENT_BYTES } from '../schemas/email.ts';
import { DEFAULT_READ_CHARS, type GetAttachmentRequest } from '../schemas/mailbox.ts';
import { gmailOperation } from './deadline.ts';
import { gmailCall } from './errors.ts';
import { decodeMailText } from './mail-text.ts';
import { truncateText } from './parse.ts';
import { messageParts } from './part-tree.ts';
import { charsetOf, fileNameOf, PARTS_WITHOUT_DATA } from './payload.ts';

/**
 * Largest file answered as content (base64 or handed to ChatGPT): base64 grows it by 4/3 and
 * a synchronous Lambda answer is capped at 6 MB; the same bound as files sent.
 */
export const MAX_RETURNED_FILE_BYTES = MAX_ATTACHMENT_BYTES;

/** A file read out of a message. */
export interface AttachmentContent {
  message_id: string;
  attachment_id: string;
  filename: string;
  content_type: string;
  size: number;
  text: string | null;
  text_truncated: boolean;
  data: string | null;
  openaiFileResponse?: Array<{ name: string; mime_type: string; content: string }>;
}

const TEXT_TYPES = new Set([
  'application/json',
  'application/xml',
  'application/javascript',
  'application/x-yaml',
  'application/yaml',
  'application/csv',
  'application/x-sh',
  'message/rfc822',
]);

/** Types shown as text: text/*, JSON, XML, YAML, CSV, scripts and attached mail. */
export function isTextLike(contentType: string): boolean {
  const type = contentType.toLowerCase();
  return type.startsWith('text/') || TEXT_TYPES.has(type) || type.endsWith('+json') || type.endsWith('+xml');
}

/** Our attachment_id: `<part id>~<Gmail attachment id>`, or Gmail's id alone. */
function splitId(id: string): { partId: string | null; gmailId: string } {
  const tilde = id.indexOf('~');
  return tilde === -1 ? { partId: null, gmailId: id } : { partId: id.slice(0, tilde), gmailId: id.slice(tilde + 1) };
}

/**
 * One attachment of a message: text-like files as text within `max_chars`; other files, up
 * to {@link MAX_RETURNED_FILE_BYTES}, handed to ChatGPT as `openaiFileResponse` (format
 * "file") or as base64 `data`. The part layout (name, type) and the content are fetched in
 * parallel: one round trip. The part is found among the message's attachments (as read_email
 * lists them) by its part id, which stays put, because Gmail may reissue attachment ids
 * between reads.
 */
export const getAttachment = /* @__PURE__ */ gmailOperation(
  async (gmail, input: GetAttachmentRequest, signal): Promise<AttachmentContent> => {
    const { partId, gmailId } = splitId(input.attachment_id);
    const notFound = `No attachment ${input.attachment_id} in email ${input.message_id}`;
    const read = { notFound };
    const [message, content] = await Promise.all([
      gmailCall(read, () =>
        gmail.users.messages.get(
          { userId: 'me', id: input.message_id, format: 'full', fields: `id,${PARTS_WITHOUT_DATA}` },
          { signal },
        ),
      ),
      gmailCall(read, () =>
        gmail.users.messages.attachments.get({ userId: 'me', messageId: input.message_id, id: gmailId }, { signal }),
      ),
    ]);
    // The same bounded walk read_email lists attachments from: only a part listed there is served.
    const { attachments, refused } = messageParts(message.data.payload);
    if (refused) throw new BrokerError('not_found', `${notFound}: the message's parts are not read (${refused})`);
    const part =
      (partId === null ? undefined : attachments.find((candidate) => candidate.partId === partId)) ??
      attachments.find((candidate) => candidate.body?.attachmentId === gmailId);
    if (!part) throw new BrokerError('not_found', notFound);

    const bytes = Buffer.from(content.data.data ?? '', 'base64url');
    const contentType = (part.mimeType ?? 'application/octet-stream').toLowerCase();
    const filename = fileNameOf(part);
    const base = {
      message_id: input.message_id,
      attachment_id: input.attachment_id,
      filename,
      content_type: contentType,
      size: bytes.length,
    };
    if (isTextLike(contentType)) {
      // attachments.get gives a file's original bytes (assumed: GMAIL-BEHAVIOURS.md); the one rule reads them either way.
      const text = truncateText(decodeMailText(bytes, charsetOf(part)), input.max_chars ?? DEFAULT_READ_CHARS);
      return { ...base, text: text.text, text_truncated: text.truncated, data: null };
    }
    if (bytes.length > MAX_RETURNED_FILE_BYTES) {
      throw new BrokerError(
        'payload_too_large',
        `${filename} is ${bytes.length} bytes; files above ${MAX_RETURNED_FILE_BYTES} bytes cannot be returned here.`,
      );
    }
    const base64 = bytes.toString('base64');
    if ((input.format ?? 'file') === 'base64') return { ...base, text: null, text_truncated: false, data: base64 };
    return {
      ...base,
      text: null,
      text_truncated: false,
      data: null,
      openaiFileResponse: [{ name: filename, mime_type: contentType, content: base64 }],
    };
  },
);
