/**
 * Characters that change what a reader sees without being seen: controls (C0, DEL, C1)
 * and format characters, which include the bidirectional controls (U+061C, U+200E/F,
 * U+202A-202E, U+2066-2069: they reorder the text around them), the zero-width ones
 * (U+200B-200D, U+2060), the byte-order mark and the soft hyphen. Computer names, the
 * agent's URL arguments and OAuth client names all refuse them.
 */
export const HIDDEN_CHARACTERS = /[\p{Cc}\p{Cf}]/u;

/**
 * True when `text` reads as it looks: no {@link HIDDEN_CHARACTERS} and no whitespace but
 * the plain space (no line breaks, tabs, no-break or other-width spaces).
 */
export function isPlainVisibleText(text: string): boolean {
  return !HIDDEN_CHARACTERS.test(text) && !/[^\S ]/u.test(text);
}
