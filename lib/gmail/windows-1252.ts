/**
 * Windows-1252, decoded by table rather than through TextDecoder: Node's TextDecoder
 * decodes `windows-1252` (and `iso-8859-1`/`us-ascii`, which WHATWG maps to it) bytes
 * 0x80-0x9F as the C1 controls U+0080-U+009F instead of €, “ ”, – … — a regression since
 * Node 20.18.3 / 22.13.0 (nodejs/node#60888), still there in Node 20.20.2. Reading those
 * labels here keeps euro signs and curly quotes whatever the runtime does.
 */

// What Windows-1252 puts at bytes 0x80-0x9F; the five bytes it leaves undefined keep
// their C1 control, as the WHATWG Encoding Standard decodes them.
const HIGH_CONTROLS = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ';

/** Decodes Windows-1252 bytes (every byte maps to a character: never fails). */
export function decodeWindows1252(bytes: Uint8Array): string {
  // latin1 maps each byte to the code point of the same value; only 0x80-0x9F differ.
  return repairWindows1252(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1'));
}

/** Replaces C1 controls in already-decoded text with the Windows-1252 characters of the same byte. */
export function repairWindows1252(text: string): string {
  return text.replace(/[\u0080-\u009f]/g, (char) => HIGH_CONTROLS[char.charCodeAt(0) - 0x80] ?? char);
}
