import PostalMime from 'postal-mime';
import { describe, expect, it } from 'vitest';
import { emulator, newUser, post } from '../support/api.ts';

async function lastSent(email: string) {
  const sent = await emulator.sent(email);
  const message = sent.at(-1);
  if (!message) throw new Error(`nothing was sent by ${email}`);
  return { ...message, parsed: await PostalMime.parse(message.raw) };
}

describe('POST /api/email/send', () => {
  it("sends from the caller's mailbox and answers the original envelope with the Gmail ids", async () => {
    const sender = await newUser();
    const recipient = await newUser();
    const answer = await post('/api/email/send', {
      token: sender.token,
      body: { to: recipient.email, subject: 'Status', body: 'All green.' },
    });
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ success: true, message: expect.stringContaining(recipient.email) });
    expect(answer.json.data.message_id).toMatch(/^[0-9a-f]{16}$/);
    expect(answer.json.data.thread_id).toMatch(/^[0-9a-f]{16}$/);
    const sent = await lastSent(sender.email);
    expect(sent.id).toBe(answer.json.data.message_id);
    expect(sent.parsed.to?.map((address) => address.address)).toEqual([recipient.email]);
    expect(sent.parsed.text?.trim()).toBe('All green.');
  });

  it('keeps subject, body and display names in several scripts intact', async () => {
    const sender = await newUser();
    const subject = 'Grüße — 会議 🎉';
    const body = 'Grüße aus Köln — 会議は明日です 🎉\nΚαλημέρα, مرحبا';
    const answer = await post('/api/email/send', {
      token: sender.token,
      body: { to: 'Zoë Åström <zoe@example.com>', subject, body, html: `<p>${body}</p>` },
    });
    expect(answer.status).toBe(200);
    const { parsed, raw } = await lastSent(sender.email);
    expect(parsed.subject).toBe(subject);
    expect(parsed.text?.trim()).toBe(body);
    expect(parsed.html).toContain('会議は明日です');
    expect(parsed.to?.[0]).toEqual({ name: 'Zoë Åström', address: 'zoe@example.com' });
    // Headers on the wire stay 7-bit: every non-ASCII header is an RFC 2047 encoded word.
    const headerBlock = raw.slice(0, raw.indexOf('\r\n\r\n'));
    expect([...headerBlock].every((char) => char.charCodeAt(0) < 128)).toBe(true);
    expect(raw).toMatch(/multipart\/alternative/);
  });

  it('round-trips a 120-character non-ASCII subject exactly', async () => {
    const sender = await newUser();
    const subject = 'Überprüfung der Änderungen — 会議の議事録と次のステップ 🎉 '.repeat(4).slice(0, 120);
    expect([...subject].length).toBeGreaterThanOrEqual(110);
    const answer = await post('/api/email/send', {
      token: sender.token,
      body: { to: 'a@example.com', subject, body: 'x' },
    });
    expect(answer.status).toBe(200);
    const { parsed, raw } = await lastSent(sender.email);
    expect(parsed.subject).toBe(subject);
    // Folded into encoded words of at most 75 characters each.
    const words = raw.match(/=\?[^?]+\?[BQbq]\?[^?]*\?=/g) ?? [];
    expect(words.length).toBeGreaterThan(1);
    for (const word of words) expect(word.length).toBeLessThanOrEqual(75);
  });

  it('delivers to cc and keeps bcc in the raw message Gmail reads recipients from', async () => {
    const sender = await newUser();
    const hidden = await newUser();
    const answer = await post('/api/email/send', {
      token: sender.token,
      body: {
        to: ['a@example.com', 'B <b@example.com>'],
        cc: 'c@example.com',
        bcc: [hidden.email],
        subject: 'x',
        body: 'y',
      },
    });
    expect(answer.status).toBe(200);
    const { parsed } = await lastSent(sender.email);
    expect(parsed.cc?.map((address) => address.address)).toEqual(['c@example.com']);
    expect(parsed.bcc?.map((address) => address.address)).toEqual([hidden.email]);
    const unread = await post('/api/email/unread', { token: hidden.token, body: {} });
    expect(unread.json.emails.map((email: { subject: string }) => email.subject)).toContain('x');
  });

  it('attaches files byte for byte', async () => {
    const sender = await newUser();
    const bytes = Buffer.from([0, 1, 2, 250, 251, 252, 10, 13]);
    const answer = await post('/api/email/send', {
      token: sender.token,
      body: {
        to: 'a@example.com',
        subject: 'report',
        body: 'attached',
        attachments: [
          { filename: 'Bericht_Grüße.bin', content_type: 'application/octet-stream', data: bytes.toString('base64') },
        ],
      },
    });
    expect(answer.status).toBe(200);
    const { parsed } = await lastSent(sender.email);
    expect(parsed.attachments).toHaveLength(1);
    expect(parsed.attachments[0]?.filename).toBe('Bericht_Grüße.bin');
    expect(Buffer.from(parsed.attachments[0]?.content as ArrayBuffer)).toEqual(bytes);
  });

  it("accepts the original API's user_credentials in the body", async () => {
    const sender = await newUser();
    const answer = await post('/api/email/send', {
      body: { user_credentials: { access_token: sender.token }, to: 'a@example.com', subject: 'legacy', body: 'ok' },
    });
    expect(answer.status).toBe(200);
    expect((await lastSent(sender.email)).parsed.subject).toBe('legacy');
  });

  it.each([
    ['subject', { subject: 'Hi\r\nBcc: victim@example.com' }],
    ['subject (bare LF)', { subject: 'Hi\nX-Injected: 1' }],
    ['to', { to: 'a@example.com\r\nBcc: victim@example.com' }],
    ['a display name', { to: '"Evil\r\nBcc: victim@example.com" <a@example.com>' }],
    ['cc list entry', { cc: ['ok@example.com', 'b@example.com\nBcc: v@example.com'] }],
    ['attachment filename', { attachments: [{ filename: 'a\r\nX: y', content_type: 'text/plain', data: 'eA==' }] }],
  ])('refuses CR/LF in %s with 400 and sends nothing', async (_field, override) => {
    const sender = await newUser();
    const answer = await post('/api/email/send', {
      token: sender.token,
      body: { to: 'a@example.com', subject: 'ok', body: 'body', ...override },
    });
    expect(answer.status).toBe(400);
    expect(answer.json).toMatchObject({ success: false, error: { code: 'invalid_request' } });
    expect(JSON.stringify(answer.json.error.details)).toMatch(/line breaks|email address/);
    expect(await emulator.sent(sender.email)).toEqual([]);
  });

  it('answers JSON 4xx, never 5xx, for malformed, mistyped and oversized input', async () => {
    const sender = await newUser();
    const cases: Array<[string, { rawBody?: string; body?: unknown }, number, string]> = [
      ['malformed JSON', { rawBody: '{"to": "a@example.com", ' }, 400, 'invalid_json'],
      ['a JSON array', { rawBody: '[1,2]' }, 400, 'invalid_request'],
      ['wrong types', { body: { to: 5, subject: ['x'], body: null } }, 400, 'invalid_request'],
      ['a bad address', { body: { to: 'not-an-address', subject: 'x', body: 'y' } }, 400, 'invalid_request'],
      [
        'an oversized body',
        { body: { to: 'a@example.com', subject: 'x', body: 'y'.repeat(200_001) } },
        400,
        'invalid_request',
      ],
      [
        'an oversized subject',
        { body: { to: 'a@example.com', subject: 's'.repeat(999), body: 'y' } },
        400,
        'invalid_request',
      ],
      [
        'too many recipients',
        {
          body: {
            to: Array.from({ length: 60 }, (_, i) => `t${i}@example.com`),
            cc: Array.from({ length: 41 }, (_, i) => `c${i}@example.com`),
            subject: 'x',
            body: 'y',
          },
        },
        400,
        'invalid_request',
      ],
    ];
    for (const [name, request, status, code] of cases) {
      const answer = await post('/api/email/send', { token: sender.token, ...request });
      expect({ name, status: answer.status, code: answer.json?.error?.code }).toEqual({ name, status, code });
      expect(answer.headers.get('content-type')).toMatch(/application\/json/);
    }
    expect(await emulator.sent(sender.email)).toEqual([]);
  });

  it('names each bad field in the validation details', async () => {
    const sender = await newUser();
    const answer = await post('/api/email/send', { token: sender.token, body: { to: 'bad', subject: 3 } });
    expect(answer.status).toBe(400);
    const fields = answer.json.error.details.map((issue: { field: string }) => issue.field);
    expect(fields).toEqual(expect.arrayContaining(['to', 'subject', 'body']));
  });

  it('asks for a token with 401 and WWW-Authenticate when none is sent', async () => {
    const answer = await post('/api/email/send', { body: { to: 'a@example.com', subject: 'x', body: 'y' } });
    expect(answer.status).toBe(401);
    expect(answer.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(answer.json.error.code).toBe('missing_token');
  });
});
