/**
 * Node's TextDecoder decodes `windows-1252` (and `iso-8859-1`/`latin1`, which WHATWG maps
 * to it) bytes 0x80-0x9F as the C1 controls U+0080-U+009F instead of €, “ ”, – … — a
 * regression since Node 20.18.3 / 22.13.0 (nodejs/node#60888). postal-mime decodes through
 * TextDecoder, so mail in those charsets loses its euro signs and smart quotes.
 *
 * C1 controls never appear in readable mail text, so mapping them to the characters
 * Windows-1252 puts at those bytes is safe for every charset, and right for the common
 * case. Once the runtime decodes correctly this finds nothing to change.
 */
// The characters at bytes 0x80-0x9F; a C1 control where Windows-1252 defines nothing.
const WINDOWS_1252_C1 = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ';

/** Replaces C1 controls with the Windows-1252 characters of the same byte (the five bytes Windows-1252 leaves undefined are dropped). */
export function repairWindows1252(text: string): string {
  return text.replace(/[\u0080-\u009f]/g, (char) => {
    const repaired = WINDOWS_1252_C1[char.charCodeAt(0) - 0x80] ?? '';
    return repaired.charCodeAt(0) >= 0xa0 ? repaired : '';
  });
}
