import { isUtf8 } from 'node:buffer';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeEncodedWords, decodeMailText } from '#lib/gmail/mail-text';
import { decodeHeaderText, parseAddressHeader } from '#lib/gmail/parse';
import { CHARSET_SAMPLES, encodedWords, encodeText, inRepertoire } from '../../support/charsets.ts';

const utf8 = (text: string) => Buffer.from(text, 'utf8');

describe('decodeMailText: the one rule for mail text', () => {
  it.each(CHARSET_SAMPLES)('reads $charset text whether Gmail transcoded it to UTF-8 or not', ({ charset, text }) => {
    expect(inRepertoire(text, charset)).toBe(true);
    // format=full: UTF-8 bytes under the sender's label.
    expect(decodeMailText(utf8(text), charset.toLowerCase())).toBe(text);
    // The original bytes (a file, or a part attachments.get may give untranscoded).
    expect(decodeMailText(encodeText(text, charset), charset.toLowerCase())).toBe(text);
  });

  it('reads UTF-8 declared as ISO-8859-1 as UTF-8, and Latin-1 declared as UTF-8 as Windows-1252', () => {
    expect(decodeMailText(utf8('Café “ok” – 5 €'), 'iso-8859-1')).toBe('Café “ok” – 5 €');
    expect(decodeMailText(encodeText('Café “ok” – 5 €', 'windows-1252'), 'utf-8')).toBe('Café “ok” – 5 €');
  });

  it('reads Windows-1252 bytes 0x80-0x9F as €, quotes and dashes under every label WHATWG maps to it', () => {
    const bytes = Buffer.from([0x80, 0x20, 0x93, 0x41, 0x94, 0x20, 0x96, 0x20, 0x85]);
    for (const label of ['windows-1252', 'iso-8859-1', 'us-ascii', 'latin1', null, 'x-unknown-charset']) {
      expect(decodeMailText(bytes, label)).toBe('€ “A” – …');
    }
  });

  it('reads ISO-2022-JP by its label although its bytes are ASCII, and its UTF-8 transcoding as UTF-8', () => {
    const text = '日本語のメール (ASCII too)';
    expect(decodeMailText(encodeText(text, 'ISO-2022-JP'), 'iso-2022-jp')).toBe(text);
    expect(decodeMailText(utf8(text), 'iso-2022-jp')).toBe(text);
  });

  it('pays its stated price: Latin-1 text whose bytes happen to be valid UTF-8 reads as UTF-8', () => {
    // "Ã©" in ISO-8859-1 is C3 A9, which is UTF-8 for "é": the rule believes the bytes.
    expect(decodeMailText(encodeText('Ã©', 'iso-8859-1'), 'iso-8859-1')).toBe('é');
  });
});

describe('RFC 2047 encoded words', () => {
  it.each(CHARSET_SAMPLES)('decode $charset subjects and display names in B and Q words', ({ charset, text, name }) => {
    for (const encoding of ['B', 'Q'] as const) {
      if (charset === 'ISO-2022-JP' && encoding === 'Q') continue; // 7-bit text is sent in B words
      expect(decodeHeaderText(`[x] ${encodedWords(text, charset, encoding)}`)).toBe(`[x] ${text}`);
      const [sender] = parseAddressHeader(`${encodedWords(name, charset, encoding)} <a@example.net>`);
      expect(sender).toEqual({ name, address: 'a@example.net' });
    }
  });

  it('joins a character split across two words, keeps text between words, and believes UTF-8 in a Latin-1 word', () => {
    const bytes = encodeText('日本', 'shift_jis'); // 4 bytes, split inside the first character
    const split = `=?Shift_JIS?B?${bytes.subarray(0, 1).toString('base64')}?= =?Shift_JIS?B?${bytes.subarray(1).toString('base64')}?=`;
    expect(decodeEncodedWords(`Re: ${split} (2)`)).toBe('Re: 日本 (2)');
    expect(decodeEncodedWords('=?UTF-8?Q?a?= b =?UTF-8?Q?c?=')).toBe('a b c');
    expect(decodeEncodedWords('=?ISO-8859-1?Q?Caf=C3=A9?=')).toBe('Café');
    expect(decodeEncodedWords('=?iso-8859-1*fr?Q?=E9t=E9?=')).toBe('été');
  });

  it('keeps a display name holding a comma one mailbox', () => {
    const word = `=?ISO-8859-1?Q?M=FCller=2C_Hans?=`;
    expect(parseAddressHeader(`${word} <hans@example.de>, b@example.de`)).toEqual([
      { name: 'Müller, Hans', address: 'hans@example.de' },
      { name: '', address: 'b@example.de' },
    ]);
  });
});

/** Characters of a charset's repertoire to draw random text from: ASCII, the sample's, and a block per script. */
function repertoire(charset: string, sample: string): string[] {
  const candidates = new Set<string>([...sample]);
  const add = (from: number, to: number) => {
    for (let code = from; code <= to; code += 1) candidates.add(String.fromCodePoint(code));
  };
  add(0x20, 0x7e);
  add(0xa0, 0x17f); // Latin-1 and Latin Extended-A
  add(0x401, 0x451); // Cyrillic
  add(0x2013, 0x2026); // dashes, quotes, ellipsis
  add(0x3041, 0x3093); // Hiragana
  add(0x30a1, 0x30f3); // Katakana
  add(0x4e00, 0x4fff); // CJK ideographs
  add(0xac00, 0xae00); // Hangul
  candidates.add('€');
  return [...candidates].filter((char) => inRepertoire(char, charset));
}

describe('decodeMailText properties', () => {
  it.each(CHARSET_SAMPLES)(
    'random $charset text, encoded as a sender would, decodes to itself',
    ({ charset, text }) => {
      const chars = repertoire(charset, text);
      const texts = fc.array(fc.constantFrom(...chars), { minLength: 1, maxLength: 60 }).map((list) => list.join(''));
      fc.assert(
        fc.property(texts, (random) => {
          const bytes = encodeText(random, charset);
          // The rule's stated price (see above): legacy bytes that happen to be valid UTF-8 read as UTF-8.
          fc.pre(charset === 'ISO-2022-JP' || /^[\x20-\x7e]*$/.test(random) || !isUtf8(bytes));
          expect(decodeMailText(bytes, charset.toLowerCase())).toBe(random);
          expect(decodeMailText(utf8(random), charset.toLowerCase())).toBe(random);
        }),
        { numRuns: 150 },
      );
    },
  );

  it('never throws on random bytes under any label, and always gives a string', () => {
    const labels = [
      ...CHARSET_SAMPLES.map((sample) => sample.charset.toLowerCase()),
      'utf-8',
      'utf-16le',
      'x-nonsense',
      'iso-2022-kr',
      null,
    ];
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.constantFrom(...labels), (bytes, label) => {
        expect(typeof decodeMailText(bytes, label)).toBe('string');
      }),
      { numRuns: 2000 },
    );
  });

  it('never throws on random header text holding encoded-word fragments', () => {
    const pieces = fc.constantFrom(
      '=?',
      '?=',
      '?B?',
      '?Q?',
      'UTF-8',
      'iso-2022-jp',
      '=C3',
      '_',
      ' ',
      'a',
      '*',
      '==',
      '\r\n ',
    );
    fc.assert(
      fc.property(fc.array(fc.oneof(pieces, fc.string()), { maxLength: 40 }), (list) => {
        expect(typeof decodeEncodedWords(list.join(''))).toBe('string');
        expect(Array.isArray(parseAddressHeader(list.join('')))).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });
});
