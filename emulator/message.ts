import type { Address, Attachment, Email } from 'postal-mime';
import PostalMime, { addressParser } from 'postal-mime';
import { htmlToText } from '#lib/gmail/html-to-text';
import { decodeHeaderWords } from './gmail-text.ts';
import { type MimeNode, parseMimeTree } from './mime-tree.ts';
import type { SearchableAddress } from './query.ts';

/**
 * Reading an RFC 822 source once, with a real MIME parser (postal-mime), into what the
 * mailbox searches and the Gmail formats render. The source itself is kept byte-exact
 * beside it; this is a derived view.
 */

export interface MailHeader {
  name: string;
  value: string;
}

export interface MailAttachment {
  filename: string;
  mimeType: string;
  disposition: string;
  contentId: string | undefined;
  content: Buffer;
}

export interface ParsedMail {
  /** Every header in source order, unfolded, RFC 2047 words decoded (as Gmail shows them). */
  headers: MailHeader[];
  /** Top-level media type, e.g. `multipart/alternative`. */
  mimeType: string;
  from: SearchableAddress[];
  to: SearchableAddress[];
  cc: SearchableAddress[];
  bcc: SearchableAddress[];
  subject: string;
  /** Message-ID as written, angle brackets included; '' when absent. */
  messageId: string;
  /** Message-IDs named by In-Reply-To and References. */
  referencedIds: string[];
  /** Milliseconds since the epoch from the Date header, when it parses. */
  date: number | undefined;
  /** The text/plain body, when the message has one. */
  textPlain: string | undefined;
  html: string | undefined;
  /** Text to search and to make the snippet from: the plain body, else the HTML's text. */
  searchText: string;
  attachments: MailAttachment[];
  /** The MIME structure as it nests, for `format=full` and attachments. */
  tree: MimeNode;
}

function flatten(addresses: readonly Address[] | undefined): SearchableAddress[] {
  const result: SearchableAddress[] = [];
  for (const entry of addresses ?? []) {
    if (entry.group !== undefined) result.push(...entry.group.map(({ name, address }) => ({ name, address })));
    else result.push({ name: entry.name, address: entry.address });
  }
  return result;
}

function toBuffer(content: Attachment['content']): Buffer {
  if (typeof content === 'string') return Buffer.from(content, 'utf8');
  if (content instanceof ArrayBuffer) return Buffer.from(content);
  return Buffer.from(content.buffer, content.byteOffset, content.byteLength);
}

const MESSAGE_ID = /<[^<>\s]+>/g;

/**
 * What is left when postal-mime refuses a source (it stops at 256 nested multiparts and
 * at megabytes of headers): the headers, from the MIME tree, and no bodies. Gmail stores
 * such mail all the same.
 */
function headersOnly(tree: MimeNode): Email {
  const find = (name: string) => tree.headers.find((header) => header.name.toLowerCase() === name)?.value;
  const addresses = (name: string) => {
    const value = find(name);
    return value === undefined ? undefined : addressParser(value);
  };
  const from = addresses('from')?.[0];
  return {
    headers: tree.headers.map(({ name, value }) => ({ key: name.toLowerCase(), originalKey: name, value })),
    headerLines: [],
    ...(from === undefined ? {} : { from }),
    ...(addresses('to') === undefined ? {} : { to: addresses('to') }),
    ...(addresses('cc') === undefined ? {} : { cc: addresses('cc') }),
    ...(find('subject') === undefined ? {} : { subject: find('subject') }),
    ...(find('message-id') === undefined ? {} : { messageId: find('message-id') }),
    ...(find('date') === undefined ? {} : { date: find('date') }),
    attachments: [],
  } as Email;
}

/** Parses an RFC 822 source. Never throws on odd input: a parser sees what it can. */
export async function parseMail(raw: Buffer): Promise<ParsedMail> {
  const tree = parseMimeTree(raw);
  const email = await PostalMime.parse(raw).catch(() => headersOnly(tree));
  const headers = email.headers.map((header) => ({ name: header.originalKey, value: decodeHeaderWords(header.value) }));
  const contentType = email.headers.find((header) => header.key === 'content-type')?.value ?? 'text/plain';
  const dateMs = email.date === undefined ? Number.NaN : Date.parse(email.date);
  const textPlain = email.text;
  const html = email.html;
  return {
    headers,
    mimeType: (contentType.split(';')[0] ?? 'text/plain').trim().toLowerCase() || 'text/plain',
    from: flatten(email.from === undefined ? undefined : [email.from]),
    to: flatten(email.to),
    cc: flatten(email.cc),
    bcc: flatten(email.bcc),
    subject: email.subject ?? '',
    messageId: email.messageId?.trim() ?? '',
    referencedIds: [...`${email.inReplyTo ?? ''} ${email.references ?? ''}`.matchAll(MESSAGE_ID)].map((m) => m[0]),
    date: Number.isNaN(dateMs) ? undefined : dateMs,
    textPlain,
    html,
    searchText: textPlain ?? (html === undefined ? '' : htmlToText(html)),
    attachments: email.attachments.map((attachment, index) => ({
      filename: attachment.filename ?? `attachment-${index + 1}`,
      mimeType: attachment.mimeType,
      disposition: attachment.disposition ?? 'attachment',
      contentId: attachment.contentId,
      content: toBuffer(attachment.content),
    })),
    tree,
  };
}

/** Gmail's snippet: the start of the text body, whitespace collapsed, about 200 chars. */
export function snippetOf(mail: ParsedMail): string {
  const text = mail.searchText.replace(/\s+/g, ' ').trim();
  return text.length <= 200 ? text : text.slice(0, 200).trimEnd();
}

/** Header block and body of a source, split on the first blank line (CRLF or LF). */
function splitSource(raw: Buffer): { head: string; rest: string; eol: string } {
  // latin1 maps bytes 1:1 to chars, so editing headers keeps 8-bit bodies byte-exact.
  const text = raw.toString('latin1');
  const crlf = text.indexOf('\r\n\r\n');
  const lf = text.indexOf('\n\n');
  const eol = crlf !== -1 && (lf === -1 || crlf < lf) ? '\r\n' : '\n';
  const end = eol === '\r\n' ? crlf : lf;
  if (end === -1) return { head: text, rest: '', eol };
  return { head: text.slice(0, end), rest: text.slice(end), eol };
}

/** Adds headers at the top of a source, in its own line-ending style. */
export function prependHeaders(raw: Buffer, lines: readonly string[]): Buffer {
  if (lines.length === 0) return raw;
  const { eol } = splitSource(raw);
  return Buffer.concat([Buffer.from(lines.map((line) => `${line}${eol}`).join(''), 'latin1'), raw]);
}

/** Removes a header (with its folded continuation lines) from a source. */
export function removeHeader(raw: Buffer, name: string): Buffer {
  const { head, rest, eol } = splitSource(raw);
  const lines = head.split(eol);
  const kept: string[] = [];
  let dropping = false;
  const prefix = `${name.toLowerCase()}:`;
  for (const line of lines) {
    const continuation = line.startsWith(' ') || line.startsWith('\t');
    if (!continuation) dropping = line.toLowerCase().startsWith(prefix);
    if (!dropping) kept.push(line);
  }
  return Buffer.from(kept.join(eol) + rest, 'latin1');
}
