import { transcodeToUtf8 } from './gmail-text.ts';
import type { StoredMessage } from './mailbox.ts';
import type { MailHeader } from './message.ts';
import { snippetOf } from './message.ts';
import { headerParams, type MimeNode, nodeAt } from './mime-tree.ts';

/**
 * Renders stored messages as Gmail API resources in each `format`. The `full` part tree
 * mirrors the source's MIME nesting; inline text parts are transcoded to UTF-8 under their
 * original headers (the declared charset still named), other leaves are the transfer-decoded
 * bytes; large parts and files are served by attachment id as their original bytes.
 */

export const MESSAGE_FORMATS = ['full', 'metadata', 'minimal', 'raw'] as const;
export type MessageFormat = (typeof MESSAGE_FORMATS)[number];

export interface MessagePartBody {
  size: number;
  data?: string;
  attachmentId?: string;
}

export interface MessagePart {
  partId: string;
  mimeType: string;
  filename: string;
  headers: MailHeader[];
  body: MessagePartBody;
  parts?: MessagePart[];
}

/** base64url as Gmail writes it (with padding; decoders accept either). */
export function toBase64Url(data: Buffer): string {
  return data.toString('base64').replace(/\+/g, '-').replace(/\//g, '_');
}

/** Renders a message in the requested format; `metadataHeaders` filters metadata headers. */
export function formatMessage(
  message: StoredMessage,
  format: MessageFormat,
  metadataHeaders: readonly string[] = [],
): Record<string, unknown> {
  const base = {
    id: message.id,
    threadId: message.threadId,
    labelIds: message.labelIds,
    snippet: snippetOf(message.parsed),
    sizeEstimate: message.raw.length,
    historyId: String(message.historyId),
    internalDate: String(message.internalDate),
  };
  switch (format) {
    case 'minimal':
      return base;
    case 'raw':
      return { ...base, raw: toBase64Url(message.raw) };
    case 'metadata': {
      const wanted = metadataHeaders.map((name) => name.toLowerCase());
      const headers =
        wanted.length === 0
          ? message.parsed.headers
          : message.parsed.headers.filter((header) => wanted.includes(header.name.toLowerCase()));
      return {
        ...base,
        payload: { partId: '', mimeType: message.parsed.mimeType, filename: '', headers, body: { size: 0 } },
      };
    }
    case 'full':
      return { ...base, payload: buildPayload(message) };
  }
}

/**
 * Part bodies larger than this are not inlined in `format=full`: the part carries
 * `body.attachmentId` and `body.size`, and its content comes from `messages.attachments.get`,
 * as Gmail serves large parts. (Gmail does not document its cut-off; a part it shows as a
 * file, one with a file name or marked `Content-Disposition: attachment`, goes by id
 * whatever its size.)
 */
export const INLINE_BODY_BYTES = 256 * 1024;

/** Id of a part's body as the attachments route resolves it: message id and partId. */
export function attachmentId(message: StoredMessage, partId: string): string {
  return `ANGjdJ${toBase64Url(Buffer.from(`${message.id}:${partId}`)).replace(/=+$/, '')}`;
}

/** The body an attachment id names, when it belongs to this message. */
export function findAttachment(message: StoredMessage, id: string): Buffer | undefined {
  const decoded = Buffer.from(id.replace(/^ANGjdJ/, ''), 'base64url').toString('utf8');
  const separator = decoded.indexOf(':');
  if (separator === -1 || decoded.slice(0, separator) !== message.id) return undefined;
  const node = nodeAt(message.parsed.tree, decoded.slice(separator + 1));
  return node === undefined || node.parts !== undefined ? undefined : node.body;
}

/** Gmail numbers parts '' for the root, then '0', '1', and '0.1' inside nested ones. */
function toPart(message: StoredMessage, node: MimeNode, partId: string, headers: MailHeader[]): MessagePart {
  const childId = (index: number) => (partId === '' ? String(index) : `${partId}.${index}`);
  if (node.parts !== undefined) {
    return {
      partId,
      mimeType: node.mimeType,
      filename: node.filename,
      headers,
      body: { size: 0 },
      parts: node.parts.map((child, index) => toPart(message, child, childId(index), child.headers)),
    };
  }
  const disposition = node.headers.find((header) => header.name.toLowerCase() === 'content-disposition')?.value ?? '';
  const isFile = node.filename !== '' || headerParams(disposition).value === 'attachment';
  const byId = isFile || node.body.length > INLINE_BODY_BYTES;
  const contentType = node.headers.find((header) => header.name.toLowerCase() === 'content-type')?.value ?? '';
  const inline = node.mimeType.startsWith('text/')
    ? transcodeToUtf8(node.body, headerParams(contentType).params.get('charset'))
    : node.body;
  return {
    partId,
    mimeType: node.mimeType,
    filename: node.filename,
    headers,
    body: byId
      ? { size: node.body.length, attachmentId: attachmentId(message, partId) }
      : { size: inline.length, ...(inline.length > 0 ? { data: toBase64Url(inline) } : {}) },
  };
}

function buildPayload(message: StoredMessage): MessagePart {
  // The root carries the message's own headers (decoded by the mail parser), as Gmail's payload does.
  return toPart(message, message.parsed.tree, '', message.parsed.headers);
}
