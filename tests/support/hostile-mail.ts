/**
 * RFC 822 sources an attacker can put in anyone's inbox, and plain ones of the same size
 * to compare with: shared by the unit, property and integration tests and the benchmark.
 */

/** A source with CRLF line ends from header lines and a body. */
export function mail(headers: string[], body: string): string {
  return `${[...headers, '', body].join('\r\n')}\r\n`;
}

/** One part of a multipart body: its header lines and its content. */
export interface BodyPart {
  headers: string[];
  content: string;
}

/** A multipart body of `parts` between `--boundary` lines, closed (CRLF line ends). */
export function multipartBody(boundary: string, parts: BodyPart[]): string {
  const each = parts.map(({ headers, content }) => [`--${boundary}`, ...headers, '', content].join('\r\n'));
  return [...each, `--${boundary}--`].join('\r\n');
}

const headersFor = (subject: string, contentType: string, from = 'Stranger <stranger@example.net>') => [
  `From: ${from}`,
  'To: reader@example.com',
  `Subject: ${subject}`,
  'Date: Mon, 30 Nov 2026 10:00:00 +0000',
  'MIME-Version: 1.0',
  `Content-Type: ${contentType}`,
];

/** Repeats `unit` until about `bytes` long. */
export const repeatTo = (unit: string, bytes: number) => unit.repeat(Math.max(1, Math.floor(bytes / unit.length)));

/** The HTML patterns that made the regex converter quadratic, each about `bytes` long. */
export function pathologicalHtml(bytes: number): {
  comments: string;
  scripts: string;
  unclosedAnchors: string;
  unclosedDivs: string;
} {
  return {
    comments: repeatTo('<!--', bytes),
    scripts: repeatTo('<script', bytes),
    unclosedAnchors: repeatTo('<a x', bytes),
    unclosedDivs: repeatTo('<div>', bytes),
  };
}

/** An HTML-only mail whose body is `html`. */
export function htmlMail(subject: string, html: string): string {
  return mail(headersFor(subject, 'text/html; charset=UTF-8'), html);
}

/** A plain-text mail of about `bytes` of readable text. */
export function plainMail(subject: string, bytes: number): string {
  return mail(headersFor(subject, 'text/plain; charset=UTF-8'), repeatTo('A plain sentence to read. ', bytes));
}

/** A mail nested `depth` multiparts deep around one text part saying `text`. */
export function deeplyNestedMail(subject: string, depth: number, text = 'deep inside'): string {
  let body = `--b${depth - 1}\r\nContent-Type: text/plain\r\n\r\n${text}\r\n`;
  for (let level = depth - 1; level >= 1; level -= 1) {
    body = `--b${level - 1}\r\nContent-Type: multipart/mixed; boundary="b${level}"\r\n\r\n${body}--b${level}--\r\n`;
  }
  return mail(headersFor(subject, 'multipart/mixed; boundary="b0"'), `${body}--b0--`);
}

/** A text mail with one attachment of `bytes` (base64 in 76-character lines). */
export function mailWithAttachment(subject: string, text: string, bytes: number): string {
  const data = Buffer.alloc(bytes, 0x5a).toString('base64').replace(/.{76}/g, '$&\r\n');
  return mail(
    headersFor(subject, 'multipart/mixed; boundary="att"'),
    [
      '--att',
      'Content-Type: text/plain; charset=UTF-8',
      '',
      text,
      '--att',
      'Content-Type: application/octet-stream; name="big.bin"',
      'Content-Disposition: attachment; filename="big.bin"',
      'Content-Transfer-Encoding: base64',
      '',
      data,
      '--att--',
    ].join('\r\n'),
  );
}
