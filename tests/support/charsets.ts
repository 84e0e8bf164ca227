import iconv from 'iconv-lite';
import { mail, multipartBody } from './hostile-mail.ts';

/**
 * Mail as senders in each language write it: a text in a legacy charset, encoded with
 * iconv-lite (an implementation independent of the broker's and the emulator's decoders),
 * sent in a transfer encoding, with RFC 2047 subjects and display names in the same charset.
 * Shared by the charset unit, property and integration tests.
 */

/** How a part's bytes travel. */
export type Transfer = 'quoted-printable' | 'base64' | '8bit' | '7bit';

export interface CharsetSample {
  charset: string;
  /** What the sender wrote: only characters of the charset's repertoire. */
  text: string;
  /** A display name in the charset. */
  name: string;
  transfers: Transfer[];
}

const EIGHT_BIT: Transfer[] = ['quoted-printable', 'base64', '8bit'];

/** One sample per charset the issue names (ISO-2022-JP is a 7-bit charset: no 8bit or quoted-printable). */
export const CHARSET_SAMPLES: CharsetSample[] = [
  {
    charset: 'ISO-8859-1',
    text: 'Café crème, señor Müller: déjà vu, ½ × 3',
    name: 'François Désiré',
    transfers: EIGHT_BIT,
  },
  {
    charset: 'ISO-8859-2',
    text: 'Zażółć gęślą jaźń; Příliš žluťoučký kůň',
    name: 'Łukasz Wróbel',
    transfers: EIGHT_BIT,
  },
  { charset: 'ISO-8859-15', text: "Prix : 15 €, œuvre, Œuvre d'art, Š Ž Ÿ", name: 'Zoë Bœuf', transfers: EIGHT_BIT },
  { charset: 'Windows-1250', text: 'Příliš „žluťoučký“ kůň úpěl – 20 €', name: 'Jiří Dvořák', transfers: EIGHT_BIT },
  {
    charset: 'Windows-1251',
    text: 'Съешь же ещё этих «мягких» булок – 100 €',
    name: 'Пётр Иванов',
    transfers: EIGHT_BIT,
  },
  {
    charset: 'Windows-1252',
    text: '“Smart quotes” cost 5 € – naïve café… ‘ok’ ™',
    name: 'Renée “Ré” O’Brien',
    transfers: EIGHT_BIT,
  },
  {
    charset: 'KOI8-R',
    text: 'Съешь же ещё этих мягких французских булок',
    name: 'Фёдор Достоевский',
    transfers: EIGHT_BIT,
  },
  {
    charset: 'ISO-2022-JP',
    text: 'いろはにほへと、日本語のメールです。',
    name: '山田 太郎',
    transfers: ['7bit', 'base64'],
  },
  { charset: 'Shift_JIS', text: '東京都の天気は晴れです。カタカナも。', name: '鈴木 花子', transfers: EIGHT_BIT },
  { charset: 'EUC-JP', text: 'ご確認ください：会議は明日です。', name: '佐藤 一郎', transfers: EIGHT_BIT },
  { charset: 'EUC-KR', text: '안녕하세요, 회의는 내일입니다.', name: '김민준', transfers: EIGHT_BIT },
  { charset: 'GB2312', text: '你好，会议在明天上午举行。', name: '王小明', transfers: EIGHT_BIT },
  { charset: 'GBK', text: '你好，這是繁體字與简体字。', name: '張偉', transfers: EIGHT_BIT },
  { charset: 'GB18030', text: '汉字与𠮷野家，€ 也在', name: '李𠀀华', transfers: EIGHT_BIT },
  { charset: 'Big5', text: '繁體中文電子郵件，請查收。', name: '陳大文', transfers: EIGHT_BIT },
];

/** ISO-2022-JP as senders write it: JIS X 0208 between `ESC $ B` and `ESC ( B` (iconv-lite has no encoder for it). */
function encodeIso2022Jp(text: string): Buffer {
  const bytes: number[] = [];
  let shifted = false;
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    if (code < 0x80) {
      if (shifted) bytes.push(0x1b, 0x28, 0x42);
      shifted = false;
      bytes.push(code);
      continue;
    }
    // EUC-JP's two-byte JIS X 0208 codes are the ISO-2022-JP codes with the high bit set.
    const euc = iconv.encode(char, 'euc-jp');
    const [lead = 0, trail = 0] = euc;
    if (euc.length !== 2 || lead < 0xa1) throw new Error(`${char} is not in ISO-2022-JP`);
    if (!shifted) bytes.push(0x1b, 0x24, 0x42);
    shifted = true;
    bytes.push(lead & 0x7f, trail & 0x7f);
  }
  if (shifted) bytes.push(0x1b, 0x28, 0x42);
  return Buffer.from(bytes);
}

/** `text` in `charset`, as a sender's mail program encodes it. */
export function encodeText(text: string, charset: string): Buffer {
  if (charset.toLowerCase() === 'iso-2022-jp') return encodeIso2022Jp(text);
  return iconv.encode(text, charset);
}

/**
 * True when every character of `text` is in `charset` as both iconv-lite and the WHATWG
 * decoder (the runtime's) read it: iconv-lite writes '?' for characters it cannot encode,
 * and the two disagree on a few vendor extensions (Big5's kana, some UHC Hangul). Node's
 * Windows-1252 decoder is wrong at 0x80-0x9F (lib/gmail/windows-1252.ts), so it is not asked.
 */
export function inRepertoire(text: string, charset: string): boolean {
  try {
    const bytes = encodeText(text, charset);
    const iconvReads = charset.toLowerCase() === 'iso-2022-jp' || iconv.decode(bytes, charset) === text;
    const runtime = new TextDecoder(charset);
    return iconvReads && (runtime.encoding === 'windows-1252' || runtime.decode(bytes) === text);
  } catch {
    return false;
  }
}

function quotedPrintable(bytes: Buffer): string {
  let line = '';
  const lines: string[] = [];
  for (const byte of bytes) {
    if (byte === 0x0a) {
      lines.push(line);
      line = '';
      continue;
    }
    const piece =
      (byte >= 0x21 && byte <= 0x7e && byte !== 0x3d) || byte === 0x20
        ? String.fromCharCode(byte)
        : `=${byte.toString(16).toUpperCase().padStart(2, '0')}`;
    if (line.length + piece.length > 75) {
      lines.push(`${line}=`);
      line = '';
    }
    line += piece;
  }
  lines.push(line);
  return lines.join('\r\n');
}

/** A part's content, transfer-encoded, as a latin1 string (one character per byte). */
export function transferEncode(bytes: Buffer, transfer: Transfer): string {
  if (transfer === 'base64') return (bytes.toString('base64').match(/.{1,76}/g) ?? []).join('\r\n');
  if (transfer === 'quoted-printable') return quotedPrintable(bytes);
  return bytes.toString('latin1').replace(/\r?\n/g, '\r\n');
}

/**
 * `text` as RFC 2047 encoded words in `charset`, a word per few characters (each word
 * whole characters, and for ISO-2022-JP back in ASCII at its end, as RFC 1468 asks).
 */
export function encodedWords(text: string, charset: string, encoding: 'B' | 'Q'): string {
  const chars = [...text];
  const words: string[] = [];
  for (let start = 0; start < chars.length; start += 8) {
    const bytes = encodeText(chars.slice(start, start + 8).join(''), charset);
    const encoded =
      encoding === 'B'
        ? bytes.toString('base64')
        : [...bytes]
            .map((byte) =>
              /[A-Za-z0-9]/.test(String.fromCharCode(byte))
                ? String.fromCharCode(byte)
                : byte === 0x20
                  ? '_'
                  : `=${byte.toString(16).toUpperCase().padStart(2, '0')}`,
            )
            .join('');
    words.push(`=?${charset}?${encoding}?${encoded}?=`);
  }
  return words.join('\r\n ');
}

/** What one mail of the charset test carries, and how it is labelled. */
export interface CharsetMail {
  /** Unique and ASCII: names the mail in the test's table. */
  tag: string;
  sample: CharsetSample;
  transfer: Transfer;
  /** The charset the parts declare (the sample's, or ISO-8859-1 over UTF-8 bytes when mislabelled). */
  declared: string;
  /** The body as the sender wrote it (the sample's text, or that repeated past Gmail's inline size). */
  body: string;
  /** The encoding of the bytes (the sample's charset, or UTF-8 when mislabelled). */
  bytesIn: string;
}

/**
 * The RFC 822 source of a charset mail: a text part in the declared charset, and a text file
 * `<tag>.txt` holding the sample's text in the same bytes and label; subject and sender's
 * name as encoded words in the sample's charset (Q for quoted-printable mail, else B).
 */
export function charsetSource(to: string, mailToSend: CharsetMail): Buffer {
  const { tag, sample, transfer, declared, body, bytesIn } = mailToSend;
  const words = transfer === 'quoted-printable' ? 'Q' : 'B';
  const encode = (text: string) => (bytesIn === 'UTF-8' ? Buffer.from(text, 'utf8') : encodeText(text, bytesIn));
  const boundary = `b-${tag}`;
  const source = mail(
    [
      `From: ${encodedWords(sample.name, sample.charset, words)} <${tag}@example.net>`,
      `To: ${to}`,
      `Subject: ${tag} ${encodedWords(sample.text, sample.charset, words)}`,
      'Date: Fri, 04 Dec 2026 10:00:00 +0000',
      `Message-ID: <${tag}@example.net>`,
      'MIME-Version: 1.0',
      `Content-Type: multipart/mixed; boundary="${boundary}"`,
    ],
    multipartBody(boundary, [
      {
        headers: [`Content-Type: text/plain; charset=${declared}`, `Content-Transfer-Encoding: ${transfer}`],
        content: transferEncode(encode(body), transfer),
      },
      {
        headers: [
          `Content-Type: text/plain; charset="${declared}"; name="${tag}.txt"`,
          `Content-Disposition: attachment; filename="${tag}.txt"`,
          'Content-Transfer-Encoding: base64',
        ],
        content: transferEncode(encode(sample.text), 'base64'),
      },
    ]),
  );
  return Buffer.from(source, 'latin1');
}
