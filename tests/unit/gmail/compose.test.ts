import PostalMime from 'postal-mime';
import { describe, expect, it } from 'vitest';
import { isBrokerError } from '#lib/errors';
import { composeMessage } from '#lib/gmail/compose';

const base = { to: ['bob@example.com'], subject: 'Hello', body: 'Hi' };

describe('composeMessage', () => {
  it('keeps non-ASCII subjects, display names and bodies exactly', async () => {
    const raw = await composeMessage({
      ...base,
      from: 'Jürgen Müller <j@example.com>',
      to: ['Zoë Ångström <zoe@example.com>', 'taro@example.jp'],
      subject: 'Grüße — 会議 🎉',
      body: 'Grüße — 会議 🎉\nZweite Zeile',
    });
    expect(raw.every((byte) => byte < 0x80)).toBe(true); // 7-bit on the wire
    const mail = await PostalMime.parse(raw);
    expect(mail.subject).toBe('Grüße — 会議 🎉');
    expect(mail.from).toEqual({ name: 'Jürgen Müller', address: 'j@example.com' });
    expect(mail.to).toEqual([
      { name: 'Zoë Ångström', address: 'zoe@example.com' },
      { name: '', address: 'taro@example.jp' },
    ]);
    expect(mail.text?.trim()).toBe('Grüße — 会議 🎉\nZweite Zeile');
  });

  it('round-trips a 120-character non-ASCII subject exactly (folded encoded-words)', async () => {
    const alphabet = [...'äß会🎉é'];
    const subject = Array.from({ length: 120 }, (_, i) => alphabet[i % alphabet.length]).join('');
    expect([...subject]).toHaveLength(120);
    const raw = await composeMessage({ ...base, subject });
    const header = raw.toString('ascii').split('\r\n\r\n')[0] ?? '';
    expect(header.split('\r\n').every((line) => line.length <= 78)).toBe(true);
    expect((await PostalMime.parse(raw)).subject).toBe(subject);
  });

  it('keeps Bcc in the built message so Gmail delivers to it', async () => {
    const raw = await composeMessage({ ...base, bcc: ['hidden@example.com', 'Ünal <u@example.com>'] });
    const mail = await PostalMime.parse(raw);
    expect(mail.bcc).toEqual([
      { name: '', address: 'hidden@example.com' },
      { name: 'Ünal', address: 'u@example.com' },
    ]);
  });

  it('adds an HTML alternative beside the text', async () => {
    const raw = await composeMessage({ ...base, body: 'Plain text', html: '<p>Rich <b>text</b></p>' });
    expect(raw.toString()).toMatch(/multipart\/alternative/);
    const mail = await PostalMime.parse(raw);
    expect(mail.text?.trim()).toBe('Plain text');
    expect(mail.html?.trim()).toBe('<p>Rich <b>text</b></p>');
  });

  it('with html=true sends the body as HTML and derives the text alternative from it', async () => {
    const raw = await composeMessage({ ...base, body: '<p>Hello <b>Ana</b></p><p>Bye&nbsp;now</p>', html: true });
    const mail = await PostalMime.parse(raw);
    expect(mail.html?.trim()).toBe('<p>Hello <b>Ana</b></p><p>Bye&nbsp;now</p>');
    expect(mail.text?.trim()).toBe('Hello Ana\n\nBye now');
  });

  it('attaches files whose bytes survive exactly', async () => {
    const bytes = Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 37) % 256));
    const raw = await composeMessage({
      ...base,
      attachments: [
        { filename: 'Übersicht 2026.pdf', content_type: 'application/pdf', data: bytes.toString('base64') },
        { filename: 'url-safe.bin', content_type: 'application/octet-stream', data: bytes.toString('base64url') },
      ],
    });
    const mail = await PostalMime.parse(raw);
    expect(mail.attachments.map((file) => [file.filename, file.mimeType])).toEqual([
      ['Übersicht 2026.pdf', 'application/pdf'],
      ['url-safe.bin', 'application/octet-stream'],
    ]);
    for (const file of mail.attachments) expect(Buffer.from(file.content as ArrayBuffer).equals(bytes)).toBe(true);
  });

  it('writes threading headers for a reply', async () => {
    const raw = await composeMessage({ ...base, inReplyTo: '<b@y>', references: ['<a@x>', '<b@y>'] });
    const mail = await PostalMime.parse(raw);
    expect(mail.inReplyTo).toBe('<b@y>');
    expect(mail.references).toBe('<a@x> <b@y>');
  });

  it.each([
    ['subject', { subject: 'Hi\r\nBcc: victim@example.com' }],
    ['to[0]', { to: ['bob@example.com\nBcc: victim@example.com'] }],
    ['bcc[0]', { bcc: [{ name: 'x\ry', address: 'a@b.c' }] }],
    ['from', { from: 'me@example.com\r\nX-Evil: 1' }],
    ['attachments[0].filename', { attachments: [{ filename: 'a\n.txt', content_type: 'text/plain', data: '' }] }],
  ])('refuses CR/LF in %s instead of sending a flattened header', async (field, change) => {
    const attempt = composeMessage({ ...base, ...change });
    await expect(attempt).rejects.toSatisfy((error) => isBrokerError(error) && error.kind === 'invalid_request');
    await expect(attempt).rejects.toThrow(field);
  });
});
