import { invalidArgument } from './google-errors.ts';
import { parseJsonBody } from './http.ts';
import type { UploadType } from './mailbox.ts';

/**
 * The three ways the Gmail client hands over a message to send: `{raw}` in a JSON body,
 * a `multipart/related` upload (JSON metadata part + message/rfc822 part), or a bare
 * `media` upload. Each yields the message's exact bytes.
 */

export interface SendRequest {
  raw: Buffer;
  threadId: string | undefined;
  uploadType: UploadType;
}

const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;

/** Decodes Gmail's `raw` (base64url, standard base64 accepted too), refusing anything else. */
export function decodeRaw(value: unknown): Buffer {
  if (value === undefined || value === null) {
    throw invalidArgument("'raw' RFC822 payload message string or uploading message via /upload/* URL required");
  }
  if (typeof value !== 'string' || value === '' || !BASE64.test(value) || value.replace(/=+$/, '').length % 4 === 1) {
    throw invalidArgument(`Invalid value for ByteString: ${String(value).slice(0, 100)}`);
  }
  return Buffer.from(value.replace(/\+/g, '-').replace(/\//g, '_'), 'base64url');
}

function readMetadata(json: unknown): { raw?: unknown; threadId: string | undefined } {
  if (typeof json !== 'object' || json === null) throw invalidArgument('Invalid JSON payload received.');
  const outer = json as Record<string, unknown>;
  // drafts.create wraps the message: `{message: {raw, threadId}}`; messages.send does not.
  const record =
    typeof outer.message === 'object' && outer.message !== null ? (outer.message as Record<string, unknown>) : outer;
  const threadId = typeof record.threadId === 'string' && record.threadId !== '' ? record.threadId : undefined;
  return { raw: record.raw, threadId };
}

const invalidJson = () => invalidArgument('Invalid JSON payload received.');

/** A JSON `messages.send` body. */
export function jsonSendRequest(body: Buffer): SendRequest {
  const { raw, threadId } = readMetadata(parseJsonBody(body, invalidJson));
  return { raw: decodeRaw(raw), threadId, uploadType: 'json' };
}

/** An upload to `/upload/gmail/v1/users/{id}/messages/send`. */
export function uploadSendRequest(
  body: Buffer,
  uploadType: string | null,
  contentType: string | undefined,
): SendRequest {
  const boundary = /boundary="?([^";]+)"?/i.exec(contentType ?? '')?.[1];
  const isMultipart = uploadType === 'multipart' || (uploadType === null && /^multipart\//i.test(contentType ?? ''));
  if (!isMultipart) {
    if (uploadType !== null && uploadType !== 'media') throw invalidArgument(`Invalid upload type: ${uploadType}`);
    if (body.length === 0) throw invalidArgument('Invalid value for ByteString: ');
    return { raw: body, threadId: undefined, uploadType: 'media' };
  }
  if (boundary === undefined) throw invalidArgument('Missing multipart boundary.');
  const parts = splitMultipart(body, boundary);
  const metadataPart = parts.find((part) => /application\/json/i.test(part.contentType));
  const mediaPart = parts.find((part) => part !== metadataPart);
  const metadata =
    metadataPart === undefined ? { threadId: undefined } : readMetadata(parseJsonBody(metadataPart.body, invalidJson));
  if (mediaPart === undefined || mediaPart.body.length === 0) throw invalidArgument('Invalid value for ByteString: ');
  return { raw: mediaPart.body, threadId: metadata.threadId, uploadType: 'multipart' };
}

interface UploadPart {
  contentType: string;
  body: Buffer;
}

/**
 * Splits an HTTP multipart/related upload on its boundary, keeping each part's bytes
 * exact (this is upload framing, not mail MIME: parts are never transfer-encoded).
 */
function splitMultipart(body: Buffer, boundary: string): UploadPart[] {
  const delimiter = Buffer.from(`--${boundary}`);
  const starts: number[] = [];
  for (let at = body.indexOf(delimiter); at !== -1; at = body.indexOf(delimiter, at + delimiter.length)) {
    const atLineStart = at === 0 || body[at - 1] === 0x0a;
    if (atLineStart) starts.push(at);
  }
  const parts: UploadPart[] = [];
  for (let i = 0; i < starts.length - 1; i += 1) {
    const start = (starts[i] ?? 0) + delimiter.length;
    let end = starts[i + 1] ?? body.length;
    // The line break before a delimiter belongs to the delimiter, not to the part.
    if (body[end - 1] === 0x0a) end -= 1;
    if (body[end - 1] === 0x0d) end -= 1;
    const section = body.subarray(start, end);
    if (section.subarray(0, 2).toString() === '--') break; // closing delimiter
    const headerEnd = section.indexOf('\r\n\r\n');
    const separator = headerEnd === -1 ? section.indexOf('\n\n') : headerEnd;
    const gap = headerEnd === -1 ? 2 : 4;
    if (separator === -1) continue;
    const headers = section.subarray(0, separator).toString('latin1');
    parts.push({
      contentType: /content-type:\s*([^\r\n]+)/i.exec(headers)?.[1]?.trim() ?? 'application/octet-stream',
      body: section.subarray(separator + gap),
    });
  }
  return parts;
}
