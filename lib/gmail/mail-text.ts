import { isUtf8 } from 'node:buffer';
import { TextDecoder } from 'node:util';
import { decodeWindows1252 } from './windows-1252.ts';

/**
 * The one rule by which mail bytes become text, wherever they do (a text part's inline
 * `body.data`, a text part fetched by attachment id, a text attachment, an RFC 2047
 * encoded word in a header):
 *
 * 1. Bytes that are valid UTF-8 are UTF-8, whatever charset the part declares. Gmail's
 *    `format=full` hands text parts over already transcoded to UTF-8 while the part's
 *    Content-Type keeps the sender's charset (FACTS.md "Gmail text encodings"), and mail
 *    that says ISO-8859-1 but holds UTF-8 is common; a legacy-charset text that happens to
 *    be valid UTF-8 is implausible beyond ASCII, where the readings agree anyway.
 *    The one exception is ISO-2022 text: its escape sequences are ASCII bytes, so it is
 *    always valid UTF-8; under an ISO-2022 label, bytes holding an ESC are read with that label.
 * 2. Otherwise the declared charset, through the runtime's decoder (full ICU knows the
 *    legacy mail charsets); a byte that charset cannot map reads as U+FFFD.
 * 3. Otherwise (no charset, an unknown one, or one that says UTF-8 over bytes that are not)
 *    Windows-1252, which maps every byte: the likeliest truth for unlabelled 8-bit mail.
 *
 * Never throws. Whether Gmail transcodes what `attachments.get` returns is not documented;
 * this rule reads a part right in both cases, so callers need not know.
 */
export function decodeMailText(bytes: Uint8Array, charset: string | null): string {
  const label = charset?.trim().toLowerCase() ?? '';
  const escaped = label.startsWith('iso-2022') && bytes.includes(0x1b);
  if (!escaped && isUtf8(bytes)) return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  const decoder = legacyDecoder(label);
  return decoder ? decoder.decode(bytes) : decodeWindows1252(bytes);
}

const decoders = new Map<string, TextDecoder | null>();

/**
 * The runtime's decoder for a declared charset, or null when it is not one to believe over
 * the fallback: unknown labels, UTF-8 (the bytes were not), WHATWG's `replacement` (labels
 * such as ISO-2022-KR it refuses to decode), and the labels WHATWG reads as Windows-1252,
 * which windows-1252.ts decodes by table because Node's decoder gets 0x80-0x9F wrong.
 */
function legacyDecoder(label: string): TextDecoder | null {
  if (!label) return null;
  let decoder = decoders.get(label);
  if (decoder === undefined) {
    try {
      decoder = new TextDecoder(label);
      if (['utf-8', 'replacement', 'windows-1252'].includes(decoder.encoding)) decoder = null;
    } catch {
      decoder = null; // a label the runtime does not know
    }
    decoders.set(label, decoder);
  }
  return decoder;
}

// An RFC 2047 encoded word: =?charset[*language]?Q|B?text?=
const ENCODED_WORD = /=\?([^?\s*]+)(?:\*[^?\s]*)?\?([QqBb])\?([^?]*)\?=/g;
const FOLDING = /^[ \t\r\n]*$/;

/** The bytes an encoded word's text stands for. */
function wordBytes(encoding: string, text: string): Buffer {
  if (encoding.toUpperCase() === 'B') return Buffer.from(text, 'base64');
  const bytes: number[] = [];
  const source = Buffer.from(text.replace(/_/g, ' '), 'utf8');
  for (let i = 0; i < source.length; i += 1) {
    const hex = source.subarray(i + 1, i + 3).toString('latin1');
    if (source[i] === 0x3d && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(Number.parseInt(hex, 16));
      i += 2;
    } else bytes.push(source[i] as number);
  }
  return Buffer.from(bytes);
}

/**
 * A run of adjacent words in one charset: decoded as one byte string, so a character split
 * across words survives; word by word when that reads worse (ISO-2022-JP words each end back
 * in ASCII, and a decoder refuses two escapes in a row once their bytes are joined).
 */
function decodeRun(words: Buffer[], charset: string): string {
  const joined = decodeMailText(Buffer.concat(words), charset);
  if (words.length === 1 || !joined.includes('\ufffd')) return joined;
  return words.map((bytes) => decodeMailText(bytes, charset)).join('');
}

/**
 * Rewrites a header value's RFC 2047 encoded words through `show`, each run of adjacent
 * words in one charset decoded as one byte string by {@link decodeMailText} (senders split
 * a multi-byte character across words; the whitespace between words is folding, not text).
 */
function rewriteEncodedWords(value: string, show: (text: string) => string): string {
  let result = '';
  let position = 0;
  let run: { charset: string; bytes: Buffer[] } | null = null;
  const flush = () => {
    if (run) result += show(decodeRun(run.bytes, run.charset));
    run = null;
  };
  for (const match of value.matchAll(ENCODED_WORD)) {
    const [word, charset = '', encoding = 'Q', text = ''] = match;
    const between = value.slice(position, match.index);
    const bytes = wordBytes(encoding, text);
    if (run !== null && FOLDING.test(between) && run.charset === charset.toLowerCase()) run.bytes.push(bytes);
    else {
      const adjacent = run !== null && FOLDING.test(between);
      flush();
      if (!adjacent) result += between;
      run = { charset: charset.toLowerCase(), bytes: [bytes] };
    }
    position = match.index + word.length;
  }
  flush();
  return result + value.slice(position);
}

/** A header value with its RFC 2047 encoded words decoded by the one rule ({@link decodeMailText}). */
export function decodeEncodedWords(value: string): string {
  return value.includes('=?') ? rewriteEncodedWords(value, (text) => text) : value;
}

/**
 * A header value with each run of encoded words re-encoded as one UTF-8 word holding what
 * the one rule decoded: for parsers (postal-mime's address parser) that decode words
 * themselves, so they see the right text and still parse the structure as sent.
 */
export function withUtf8EncodedWords(value: string): string {
  return value.includes('=?')
    ? rewriteEncodedWords(value, (text) => `=?UTF-8?B?${Buffer.from(text, 'utf8').toString('base64')}?=`)
    : value;
}
