/**
 * Gmail search strings built from caller input. Input only ever becomes quoted terms, so
 * it cannot add operators (`from:`, `in:`, `is:`), `OR`, negation or grouping, and can only
 * narrow a search, never widen it.
 */

/** The fixed part of the unread search. */
export const UNREAD_INBOX = 'is:unread in:inbox';

// Quotes end the term and backslashes are not an escape Gmail honours: both go.
// Control characters have no business in a search either.
const UNSAFE_IN_TERM = /["\\\p{Cc}]/gu;

/**
 * One word as a quoted Gmail term (`"word"`), or null when nothing searchable is left
 * (the word was only quotes or backslashes). Inside quotes Gmail matches literally, so
 * `is:read` or `OR` become plain words.
 */
export function quoteTerm(word: string): string | null {
  const cleaned = word.replace(UNSAFE_IN_TERM, '').trim();
  return cleaned.length === 0 ? null : `"${cleaned}"`;
}

/** Each whitespace-separated word of free text as a quoted term, joined by spaces (AND). */
export function quoteWords(text: string): string {
  return text
    .split(/\s+/)
    .map(quoteTerm)
    .filter((term): term is string => term !== null)
    .join(' ');
}

/** `is:unread in:inbox` narrowed by the caller's words, if any. */
export function buildUnreadQuery(query?: string | null): string {
  const words = query ? quoteWords(query) : '';
  return words ? `${UNREAD_INBOX} ${words}` : UNREAD_INBOX;
}

/**
 * `from:"addr"` for one sender. The address is stripped of quotes, backslashes and
 * whitespace first, so a crafted address stays one quoted value.
 */
export function fromQuery(email: string): string {
  const address = email.replace(UNSAFE_IN_TERM, '').replace(/\s+/g, '');
  if (!address) throw new RangeError('fromQuery needs a non-empty address');
  return `from:"${address}"`;
}
