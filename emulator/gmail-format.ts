import type { StoredMessage } from './mailbox.ts';
import type { MailAttachment, MailHeader, ParsedMail } from './message.ts';
import { snippetOf } from './message.ts';

/**
 * Renders stored messages as Gmail API resources in each `format`. The `full` part tree
 * is rebuilt from the parsed message (text, HTML, attachments) rather than mirroring
 * the source's exact MIME nesting; bodies are decoded and re-encoded as UTF-8.
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

/** Id of an attachment as the attachments route resolves it: message id and index. */
export function attachmentId(message: StoredMessage, index: number): string {
  return `ANGjdJ${toBase64Url(Buffer.from(`${message.id}:${index}`)).replace(/=+$/, '')}`;
}

/** The attachment an id names, when it belongs to this message. */
export function findAttachment(message: StoredMessage, id: string): MailAttachment | undefined {
  const decoded = Buffer.from(id.replace(/^ANGjdJ/, ''), 'base64url').toString('utf8');
  const [messageId, index] = decoded.split(':');
  if (messageId !== message.id || index === undefined || !/^\d+$/.test(index)) return undefined;
  return message.parsed.attachments[Number(index)];
}

/** A part before numbering. */
type PartDraft = Omit<MessagePart, 'partId' | 'parts'> & { parts?: PartDraft[] };

function leaf(mimeType: string, text: string): PartDraft {
  const data = Buffer.from(text, 'utf8');
  return {
    mimeType,
    filename: '',
    headers: [{ name: 'Content-Type', value: `${mimeType}; charset="UTF-8"` }],
    body: { size: data.length, data: toBase64Url(data) },
  };
}

function multipart(mimeType: string, parts: PartDraft[]): PartDraft {
  return { mimeType, filename: '', headers: [{ name: 'Content-Type', value: mimeType }], body: { size: 0 }, parts };
}

/** Gmail numbers parts '' for the root, then '0', '1', and '0.1' inside nested ones. */
function numberParts(draft: PartDraft, partId: string): MessagePart {
  const { parts, ...rest } = draft;
  const numbered: MessagePart = { partId, ...rest };
  if (parts !== undefined) {
    numbered.parts = parts.map((child, index) =>
      numberParts(child, partId === '' ? String(index) : `${partId}.${index}`),
    );
  }
  return numbered;
}

function buildPayload(message: StoredMessage): MessagePart {
  const parsed: ParsedMail = message.parsed;
  const text = parsed.textPlain === undefined ? undefined : leaf('text/plain', parsed.textPlain);
  const html = parsed.html === undefined ? undefined : leaf('text/html', parsed.html);
  const body =
    text !== undefined && html !== undefined
      ? multipart('multipart/alternative', [text, html])
      : (text ?? html ?? leaf('text/plain', ''));
  const attachments = parsed.attachments.map(
    (attachment, index): PartDraft => ({
      mimeType: attachment.mimeType,
      filename: attachment.filename,
      headers: [
        { name: 'Content-Type', value: `${attachment.mimeType}; name="${attachment.filename}"` },
        { name: 'Content-Disposition', value: `${attachment.disposition}; filename="${attachment.filename}"` },
        ...(attachment.contentId === undefined ? [] : [{ name: 'Content-ID', value: attachment.contentId }]),
      ],
      body: { size: attachment.content.length, attachmentId: attachmentId(message, index) },
    }),
  );
  const root = attachments.length === 0 ? body : multipart('multipart/mixed', [body, ...attachments]);
  // The root carries the message's own headers, as Gmail's payload does.
  return numberParts({ ...root, headers: parsed.headers }, '');
}
