import { isUtf8 } from 'node:buffer';
import iconv from 'iconv-lite';
import { decodeWords } from 'postal-mime';
import { repairWindows1252 } from '#lib/gmail/windows-1252';

/**
 * How Gmail turns a mail's text into the API's strings (GMAIL-BEHAVIOURS.md): `format=full`
 * gives text parts transcoded to UTF-8 under their original headers, and header values with
 * RFC 2047 words decoded. The emulator decodes with iconv-lite (and the runtime's decoder
 * for the charsets iconv-lite lacks, such as ISO-2022-JP), not with the broker's rule, so
 * the tests compare two readings.
 */

/**
 * A text part's bytes as `format=full` gives them: UTF-8. Bytes that already are UTF-8 are
 * kept (assumed: Gmail shows mislabelled UTF-8 mail right); others are decoded from the
 * declared charset; a charset no decoder knows leaves the bytes as they are.
 */
export function transcodeToUtf8(bytes: Buffer, charset: string | undefined): Buffer {
  const label = charset?.toLowerCase() ?? '';
  const escaped = label.startsWith('iso-2022') && bytes.includes(0x1b);
  if (!label || (!escaped && isUtf8(bytes))) return bytes;
  if (iconv.encodingExists(label)) return Buffer.from(iconv.decode(bytes, label), 'utf8');
  try {
    return Buffer.from(new TextDecoder(label).decode(bytes), 'utf8');
  } catch {
    return bytes;
  }
}

/** A header value as Gmail shows it: RFC 2047 words decoded (Windows-1252 words too, see windows-1252.ts). */
export function decodeHeaderWords(value: string): string {
  return value.includes('=?') ? repairWindows1252(decodeWords(value)) : value;
}
