import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '#lib/config';
import { createGmailClient } from '#lib/gmail/client';
import { convertHtml } from '#lib/gmail/html-to-text';
import { bodyCapFor, listUnread } from '#lib/gmail/unread';
import { MAX_SUBJECT_CHARS } from '#lib/schemas/email';
import { EmulatorControl } from '../../../emulator/control-client.ts';
import { type GoogleEmulator, startGoogleEmulator } from '../../../emulator/server.ts';
import { mail } from '../../support/hostile-mail.ts';

/**
 * Mail from strangers, generated: whatever arrives, reading it never throws and always
 * yields bounded text. (How long such input takes against plain mail of the same size is
 * measured by `npm run bench`, not asserted here.)
 */

// Pieces of HTML that broke or slowed converters, mixed with ordinary markup and text.
const htmlPiece = fc.constantFrom(
  '<!--',
  '-->',
  '<script',
  '<script>',
  '</script>',
  '<style>',
  '<a x',
  '<a href="https://example.org/x">',
  '<a href=mailto:a@b.c>',
  '</a>',
  '<div>',
  '</div>',
  '</span>',
  '<pre>',
  '</pre>',
  '<p>',
  '<br>',
  '<li>',
  '</td>',
  '<img alt="logo">',
  '<head>',
  '<body>',
  '<svg>',
  '<![CDATA[',
  '<!DOCTYPE html>',
  '&amp;',
  '&#0;',
  '&#xD800;',
  '&#x1F389;',
  '&nbsp',
  '<',
  '>',
  '"',
  '\uE000',
  'text ',
  '\n',
);
const repeated = fc.tuple(htmlPiece, fc.integer({ min: 1, max: 40_000 })).map(([piece, times]) => piece.repeat(times));
const html = fc
  .array(fc.oneof(htmlPiece, repeated, fc.string({ maxLength: 50 })), { maxLength: 30 })
  .map((parts) => parts.join(''));

describe('convertHtml on generated HTML', () => {
  it('never throws and never writes more text than it read', () => {
    fc.assert(
      fc.property(html, (input) => {
        const { text } = convertHtml(input);
        expect(text.length).toBeLessThanOrEqual(input.length);
      }),
      { numRuns: 150 },
    );
  });

  it('stops near the output cap it is given', () => {
    fc.assert(
      fc.property(html, fc.integer({ min: 1, max: 5_000 }), (input, cap) => {
        const converted = convertHtml(input, { maxOutputChars: cap });
        // The tokenizer is fed 64 KiB at a time, so it stops within one chunk of the cap.
        expect(converted.text.length).toBeLessThanOrEqual(cap + 64 * 1024);
      }),
      { numRuns: 100 },
    );
  });
});

// A leaf part: its type, transfer encoding and content, some of them broken on purpose.
const leaf = fc
  .record({
    type: fc.constantFrom(
      'text/plain; charset=UTF-8',
      'text/html; charset=UTF-8',
      'text/html; charset=iso-8859-1',
      'text/plain; charset=x-no-such-charset',
      'application/octet-stream',
      'text/plain',
    ),
    encoding: fc.constantFrom('', '7bit', '8bit', 'base64', 'quoted-printable', 'x-unknown'),
    content: fc.oneof(html, fc.string({ maxLength: 200 }), fc.constantFrom('!!!not base64!!!', '=ZZ=\r\n=', '=?x?=')),
    attachment: fc.boolean(),
  })
  .map(({ type, encoding, content, attachment }) => {
    const body = encoding === 'base64' && content.length % 2 === 0 ? Buffer.from(content).toString('base64') : content;
    return [
      `Content-Type: ${type}`,
      ...(encoding ? [`Content-Transfer-Encoding: ${encoding}`] : []),
      ...(attachment ? ['Content-Disposition: attachment; filename="f.bin"'] : []),
      '',
      body,
    ].join('\r\n');
  });

// A part nested `depth` multiparts deep (some boundaries never closed), with siblings.
const nested = fc
  .record({
    depth: fc.integer({ min: 0, max: 300 }),
    inner: leaf,
    siblings: fc.array(leaf, { maxLength: 3 }),
    unclosed: fc.boolean(),
  })
  .map(({ depth, inner, siblings, unclosed }) => {
    let part = inner;
    for (let level = depth; level >= 1; level -= 1) {
      const boundary = `b${level}`;
      const close = unclosed && level % 7 === 0 ? '' : `\r\n--${boundary}--`;
      const others = level === depth ? siblings.map((sibling) => `\r\n--${boundary}\r\n${sibling}`).join('') : '';
      part = `Content-Type: multipart/mixed; boundary="${boundary}"\r\n\r\n--${boundary}\r\n${part}${others}${close}`;
    }
    return part;
  });

const encodedWord = (text: string) => `=?UTF-8?B?${Buffer.from(text).toString('base64')}?=`;
const subject = fc.oneof(
  { arbitrary: fc.string({ maxLength: 100 }), weight: 4 },
  { arbitrary: fc.string({ maxLength: 20 }).map((text) => encodedWord(`${text}\r\nBcc: x@example.org`)), weight: 2 },
  { arbitrary: fc.integer({ min: 1, max: 300_000 }).map((length) => 'S'.repeat(length)), weight: 2 },
  { arbitrary: fc.constant('=?UTF-8?B?####?= =?bogus?Q?=ZZ?='), weight: 1 },
  // Past 2 MiB of headers postal-mime gives up; Gmail keeps the mail.
  { arbitrary: fc.constant('H'.repeat(2_200_000)), weight: 1 },
);
const from = fc.constantFrom(
  'a@example.net',
  '"x" <not an address>',
  `${encodedWord('Name\r\nInjected: yes')} <n@example.net>`,
  '',
  Array.from({ length: 500 }, (_, i) => `f${i}@example.net`).join(', '),
);
const source = fc.record({ subject, from, part: nested }).map(({ subject: text, from: sender, part }) => {
  const [head = '', ...rest] = part.split('\r\n\r\n');
  return mail(
    [`From: ${sender}`, 'To: reader@example.com', `Subject: ${text}`, ...head.split('\r\n')],
    rest.join('\r\n\r\n'),
  );
});

describe('listUnread on generated mail, through the official client and the emulator', () => {
  let emulator: GoogleEmulator;
  let control: EmulatorControl;
  beforeAll(async () => {
    emulator = await startGoogleEmulator();
    control = new EmulatorControl(emulator.url);
  });
  afterAll(async () => {
    await emulator.close();
  });

  it('always answers, with a bounded body and subject, or says why the body was not read', async () => {
    const config = parseConfig({ GMAIL_API_URL: `${emulator.url}/`, GOOGLE_OAUTH_URL: `${emulator.url}/` });
    let run = 0;
    await fc.assert(
      fc.asyncProperty(source, async (raw) => {
        run += 1;
        const user = await control.createUser({ email: `prop-${run}@example.com` });
        await control.seedMessage({ email: user.email, rawBase64: Buffer.from(raw, 'utf8').toString('base64') });
        const page = await listUnread(createGmailClient({ accessToken: user.token }, config), { limit: 1 });
        expect(page.emails).toHaveLength(1);
        const [email] = page.emails;
        expect(email?.body.length).toBeLessThanOrEqual(bodyCapFor(1));
        expect(email?.subject.length).toBeLessThanOrEqual(MAX_SUBJECT_CHARS);
        expect(email?.body_error === null || typeof email?.body_error === 'string').toBe(true);
        expect(JSON.stringify(email).length).toBeLessThan(100_000);
      }),
      { numRuns: 40 },
    );
  }, 120_000);
});
