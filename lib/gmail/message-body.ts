import type { gmail_v1 } from '@googleapis/gmail';
import { SCOPES } from '../google/scopes.ts';
import { gmailCall } from './errors.ts';
import { convertHtml } from './html-to-text.ts';
import { type Truncated, truncateText } from './parse.ts';
import { repairWindows1252 } from './windows-1252.ts';

/**
 * A message's readable body from Gmail's `format=full` part tree: only the text parts are
 * read (attachments never are), small ones from the tree itself, larger ones through
 * `messages.attachments.get` by `body.attachmentId`, within a byte budget per message.
 * Anything that stops the body being read is a {@link BodyUnreadable} naming why, so the
 * caller can still answer with the message's headers and snippet.
 */

/** Most bytes of text parts fetched for one message's body; larger bodies are not read. */
export const MESSAGE_BODY_BYTES = 1024 * 1024;
/** Deeper part trees are refused (real mail nests three or four levels). */
export const MAX_PART_DEPTH = 32;
/** Part trees with more parts than this are refused. */
export const MAX_PARTS = 1_000;

/** Why a body could not be read; the message says it in words for the reader. */
export class BodyUnreadable extends Error {
  override readonly name = 'BodyUnreadable';
}

type Part = gmail_v1.Schema$MessagePart;

function headerOf(part: Part, name: string): string {
  return part.headers?.find((header) => header.name?.toLowerCase() === name)?.value ?? '';
}

function isAttachment(part: Part): boolean {
  return Boolean(part.filename) || /^\s*attachment/i.test(headerOf(part, 'content-disposition'));
}

/** The inline text/plain and text/html leaves, in document order. */
export function textParts(payload: Part | undefined): { plain: Part[]; html: Part[] } {
  const plain: Part[] = [];
  const html: Part[] = [];
  if (!payload) return { plain, html };
  const stack: Array<{ part: Part; depth: number }> = [{ part: payload, depth: 0 }];
  let seen = 0;
  while (stack.length > 0) {
    const { part, depth } = stack.pop() as { part: Part; depth: number };
    seen += 1;
    if (depth > MAX_PART_DEPTH) throw new BodyUnreadable(`its parts nest more than ${MAX_PART_DEPTH} levels deep`);
    if (seen > MAX_PARTS) throw new BodyUnreadable(`it has more than ${MAX_PARTS} parts`);
    const type = (part.mimeType ?? '').toLowerCase();
    if (part.parts && part.parts.length > 0) {
      // Pushed in reverse so the first child is read first.
      for (const child of [...part.parts].reverse()) stack.push({ part: child, depth: depth + 1 });
    } else if (!isAttachment(part) && type === 'text/plain') plain.push(part);
    else if (!isAttachment(part) && type === 'text/html') html.push(part);
  }
  return { plain, html };
}

/** The part's bytes as text in its own charset (Gmail leaves the charset as sent). */
function decodeText(bytes: Buffer, part: Part): string {
  const charset = /charset\s*=\s*"?([^";\s]+)/i.exec(headerOf(part, 'content-type'))?.[1] ?? 'utf-8';
  const decoder = (() => {
    try {
      return new TextDecoder(charset);
    } catch {
      return new TextDecoder('utf-8'); // an unknown label: UTF-8 is the best guess
    }
  })();
  return repairWindows1252(decoder.decode(bytes));
}

/** Where to read a message's body from, and how. */
export interface BodySource {
  gmail: gmail_v1.Gmail;
  messageId: string;
  signal: AbortSignal;
}

async function partBytes(source: BodySource, part: Part): Promise<Buffer> {
  if (part.body?.data) return Buffer.from(part.body.data, 'base64url');
  const id = part.body?.attachmentId;
  if (!id) return Buffer.alloc(0);
  const { data } = await gmailCall({ scope: SCOPES.read }, () =>
    source.gmail.users.messages.attachments.get(
      { userId: 'me', messageId: source.messageId, id, fields: 'data' },
      { signal: source.signal },
    ),
  );
  return Buffer.from(data.data ?? '', 'base64url');
}

const sizeOf = (part: Part) => part.body?.size ?? 0;

/** The parts of one kind that fit the budget, or why none do. */
function withinBudget(parts: Part[]): Part[] {
  const chosen: Part[] = [];
  let total = 0;
  for (const part of parts.filter((candidate) => sizeOf(candidate) > 0)) {
    if (total + sizeOf(part) > MESSAGE_BODY_BYTES) break;
    total += sizeOf(part);
    chosen.push(part);
  }
  return chosen;
}

async function readParts(source: BodySource, parts: Part[]): Promise<string> {
  const bytes = await Promise.all(parts.map((part) => partBytes(source, part)));
  return bytes.map((content, index) => decodeText(content, parts[index] as Part)).join('\n');
}

/**
 * Reads the readable body of a `format=full` message, cut to `maxChars`: the text/plain
 * parts when they say anything, else the HTML converted to text. Text parts past
 * {@link MESSAGE_BODY_BYTES} in all are left unread (and the body marked truncated).
 *
 * @throws BodyUnreadable when the structure is refused or no text part fits the budget.
 * @throws BrokerError when fetching a part fails (the caller decides what that costs).
 */
export async function readBody(source: BodySource, payload: Part | undefined, maxChars: number): Promise<Truncated> {
  const { plain, html } = textParts(payload);
  const plainChosen = withinBudget(plain);
  const htmlChosen = withinBudget(html);
  const hasPlain = plain.some((part) => sizeOf(part) > 0);
  const hasHtml = html.some((part) => sizeOf(part) > 0);
  if ((hasPlain || hasHtml) && plainChosen.length === 0 && htmlChosen.length === 0) {
    const size = Math.min(...[...plain, ...html].map(sizeOf).filter((value) => value > 0));
    throw new BodyUnreadable(`its text is ${size} bytes, more than the ${MESSAGE_BODY_BYTES} read per message`);
  }
  const leftOut = (chosen: Part[], all: Part[]) => chosen.length < all.filter((part) => sizeOf(part) > 0).length;

  if (plainChosen.length > 0) {
    const text = (await readParts(source, plainChosen)).replace(/\r\n?/g, '\n').trim();
    if (text) {
      const cut = truncateText(text, maxChars);
      return { text: cut.text, truncated: cut.truncated || leftOut(plainChosen, plain) };
    }
  }
  if (htmlChosen.length === 0) return { text: '', truncated: false };
  const converted = convertHtml(await readParts(source, htmlChosen), { maxOutputChars: maxChars });
  const cut = truncateText(converted.text, maxChars);
  return { text: cut.text, truncated: cut.truncated || converted.truncated || leftOut(htmlChosen, html) };
}
