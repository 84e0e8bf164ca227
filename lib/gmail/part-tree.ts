import type { gmail_v1 } from '@googleapis/gmail';
import { findHeader } from './parse.ts';

/**
 * The one reader of a Gmail message's part tree (`format=full`, or its layout alone): a
 * single bounded walk sorts the leaves into body text and attachments, so what is read as
 * the body and what is listed as a file are decided in one place and nothing falls between.
 * Inbound mail is hostile: the walk refuses trees deeper than {@link MAX_PART_DEPTH} or
 * with more than {@link MAX_PARTS} parts before reading further, and costs one step per part.
 */

export type Part = gmail_v1.Schema$MessagePart;

/** Deeper part trees are refused (real mail nests three or four levels). */
export const MAX_PART_DEPTH = 32;
/** Part trees with more parts than this are refused. */
export const MAX_PARTS = 1_000;

/** A header of a part (case-insensitive name) through the one capped header reader, or null. */
export function partHeader(part: Part | undefined, name: string): string | null {
  return findHeader(part?.headers, name);
}

/**
 * A part is a file when Gmail shows it as one, by its file name (Content-Disposition
 * `filename` or Content-Type `name`, whatever the disposition), or when its sender marked it
 * `Content-Disposition: attachment` (RFC 2183: not part of the body, shown only on request),
 * named or not.
 */
export function isAttachment(part: Part): boolean {
  return Boolean(part.filename) || /^attachment\b/i.test(partHeader(part, 'Content-Disposition') ?? '');
}

/** The leaves of a message that the broker reads, in document order; all empty when `refused`. */
export interface MessageParts {
  /** text/plain leaves that are not attachments: the body. */
  plain: Part[];
  /** text/html leaves that are not attachments: the body when there is no plain text. */
  html: Part[];
  /** Every leaf that is an attachment ({@link isAttachment}), whatever its type. */
  attachments: Part[];
  /** Why the tree was not read (too deep or too many parts), or null. */
  refused: string | null;
}

const refusal = (refused: string): MessageParts => ({ plain: [], html: [], attachments: [], refused });

/**
 * Sorts a message's leaves into body text and attachments in one depth-first walk. Parts are
 * counted as they are found, so a tree over the limits is refused before its excess is
 * visited. Never throws: a refused tree answers with `refused` saying why.
 */
export function messageParts(payload: Part | undefined): MessageParts {
  const found: MessageParts = { plain: [], html: [], attachments: [], refused: null };
  if (!payload) return found;
  const stack: Array<{ part: Part; depth: number }> = [{ part: payload, depth: 0 }];
  let counted = 1;
  for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
    const { part, depth } = next;
    const children = part.parts ?? [];
    if (children.length > 0) {
      if (depth + 1 > MAX_PART_DEPTH) return refusal(`its parts nest more than ${MAX_PART_DEPTH} levels deep`);
      counted += children.length;
      if (counted > MAX_PARTS) return refusal(`it has more than ${MAX_PARTS} parts`);
      // Pushed last child first, so the first child is read first.
      for (let index = children.length - 1; index >= 0; index -= 1)
        stack.push({ part: children[index] as Part, depth: depth + 1 });
      continue;
    }
    const type = (part.mimeType ?? '').toLowerCase();
    if (isAttachment(part)) found.attachments.push(part);
    else if (type === 'text/plain') found.plain.push(part);
    else if (type === 'text/html') found.html.push(part);
  }
  return found;
}
