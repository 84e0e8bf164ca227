import PostalMime, { type Address, addressParser, type Email } from 'postal-mime';
import { htmlToText } from './html-to-text.ts';
import { decodeEncodedWords, withUtf8EncodedWords } from './mail-text.ts';
import { repairWindows1252 } from './windows-1252.ts';

/** One address of a message, decoded. `name` is '' when the header gave none. */
export interface Mailbox {
  name: string;
  address: string;
}

/** What the broker reads from a mail's headers, decoded. */
export interface MailHeaders {
  from: Mailbox | null;
  to: Mailbox[];
  cc: Mailbox[];
  replyTo: Mailbox[];
  /** Decoded subject ('' when absent). */
  subject: string;
  /** The Date header as sent, or null. */
  date: string | null;
  /** The RFC 822 Message-ID header, angle brackets included (not the Gmail id). */
  messageId: string | null;
  /** Message-IDs from the References header, oldest first. */
  references: string[];
  /** The In-Reply-To header's Message-ID, or null. */
  inReplyTo: string | null;
}

/** What the broker reads from a whole mail: decoded headers and a readable body. */
export interface ParsedMail extends MailHeaders {
  /** Readable text: the text/plain body, else the HTML body converted to text. */
  text: string;
}

/** Longest header value read at all (3,000 addresses fit; a 2 MiB header is not parsed whole). */
export const MAX_HEADER_CHARS = 256 * 1024;

/** A header list as Gmail gives it (a message's or a part's `headers`). */
export type HeaderList = ReadonlyArray<{ name?: string | null; value?: string | null }> | null | undefined;

/**
 * The one header lookup: the first header of that name (case-insensitive), trimmed and cut
 * to {@link MAX_HEADER_CHARS}, or null when absent or empty. Every header the broker reads
 * from a mail comes through here, so no hostile header is parsed or answered whole.
 */
export function findHeader(headers: HeaderList, name: string): string | null {
  const wanted = name.toLowerCase();
  const value = headers?.find((entry) => entry.name?.toLowerCase() === wanted)?.value?.trim();
  return value ? value.slice(0, MAX_HEADER_CHARS) : null;
}

/**
 * What the broker reads from a message's headers, from a header list as Gmail gives it
 * (`format=metadata` or a `format=full` payload), each value through {@link findHeader}.
 */
export function readMailHeaders(headers: HeaderList): MailHeaders {
  const header = (name: string) => findHeader(headers, name);
  return {
    from: parseAddressHeader(header('from'))[0] ?? null,
    to: parseAddressHeader(header('to')),
    cc: parseAddressHeader(header('cc')),
    replyTo: parseAddressHeader(header('reply-to')),
    subject: decodeHeaderText(header('subject')),
    date: header('date'),
    messageId: messageIds(header('message-id') ?? undefined)[0] ?? null,
    references: messageIds(header('references') ?? undefined),
    inReplyTo: messageIds(header('in-reply-to') ?? undefined)[0] ?? null,
  };
}

function mailboxes(addresses: Address[] | Address | undefined, repair = (name: string) => name): Mailbox[] {
  if (addresses === undefined) return [];
  const list = Array.isArray(addresses) ? addresses : [addresses];
  return list.flatMap((entry): Mailbox[] => {
    if (entry.group !== undefined) return entry.group.map(({ name, address }) => ({ name: repair(name), address }));
    return entry.address ? [{ name: repair(entry.name), address: entry.address }] : [];
  });
}

/**
 * The mailboxes of an address header's raw value (RFC 2047 names decoded by the one rule of
 * mail-text.ts, groups flattened).
 */
export function parseAddressHeader(value: string | null | undefined): Mailbox[] {
  return value ? mailboxes(addressParser(withUtf8EncodedWords(value))) : [];
}

/** An unstructured header's raw value with RFC 2047 encoded-words decoded by the one rule of mail-text.ts. */
export function decodeHeaderText(value: string | null | undefined): string {
  return value ? decodeEncodedWords(value) : '';
}

// Characters that make a display name ambiguous unless quoted (RFC 5322 "specials").
const SPECIALS = /[()<>[\]:;@\\,."]/;

/** `Name <a@b>` (name quoted when needed), or the bare address when there is no name. */
export function formatMailbox(mailbox: Mailbox): string {
  const name = mailbox.name.trim();
  if (!name || name === mailbox.address) return mailbox.address;
  const shown = SPECIALS.test(name) ? `"${name.replace(/(["\\])/g, '\\$1')}"` : name;
  return `${shown} <${mailbox.address}>`;
}

/** The `<id@host>` tokens of a Message-ID list header, in order. */
export function messageIds(value: string | undefined): string[] {
  if (!value) return [];
  const bracketed = value.match(/<[^<>\s]+>/g);
  return bracketed ?? value.split(/\s+/).filter((part) => part.length > 0);
}

function headerValue(email: Email, key: string): string | null {
  const value = email.headers.find((header) => header.key === key)?.value.trim();
  return value ? value : null;
}

/** The readable body: text/plain when it says anything, else the HTML as text. */
function readableBody(email: Email): string {
  const text = email.text?.replace(/\r\n?/g, '\n').trim() ?? '';
  if (text) return repairWindows1252(text);
  return email.html ? repairWindows1252(htmlToText(email.html)) : '';
}

/**
 * Parses a raw RFC 822 message (bytes, or Gmail's base64url `raw`) with postal-mime:
 * nested multiparts, HTML-only mail, quoted-printable and base64, and any charset the
 * runtime's TextDecoder knows (ISO-8859-1, Windows-1252, …).
 */
export async function parseMessage(raw: Uint8Array | string): Promise<ParsedMail> {
  const bytes = typeof raw === 'string' ? Buffer.from(raw, 'base64url') : raw;
  const email = await PostalMime.parse(bytes);
  // postal-mime decodes through TextDecoder, whose Windows-1252 is wrong at 0x80-0x9F (windows-1252.ts).
  const [from] = mailboxes(email.from, repairWindows1252);
  return {
    from: from ?? null,
    to: mailboxes(email.to, repairWindows1252),
    cc: mailboxes(email.cc, repairWindows1252),
    replyTo: mailboxes(email.replyTo, repairWindows1252),
    subject: repairWindows1252(email.subject ?? ''),
    date: headerValue(email, 'date'),
    messageId: messageIds(email.messageId)[0] ?? null,
    references: messageIds(email.references),
    inReplyTo: messageIds(email.inReplyTo)[0] ?? null,
    text: readableBody(email),
  };
}

/** A text cut to a length, and whether anything was cut. */
export interface Truncated {
  text: string;
  truncated: boolean;
}

/**
 * Cuts `text` to at most `max` UTF-16 code units without splitting a surrogate pair
 * (an emoji is kept whole or dropped whole).
 */
export function truncateText(text: string, max: number): Truncated {
  if (text.length <= max) return { text, truncated: false };
  let end = Math.max(0, max);
  const last = text.charCodeAt(end - 1);
  if (end > 0 && last >= 0xd800 && last <= 0xdbff) end -= 1; // a high surrogate: its pair is beyond the cut
  return { text: text.slice(0, end), truncated: true };
}
