import PostalMime from 'postal-mime';
import { describe, expect, it } from 'vitest';
import { composeMessage } from '#lib/gmail/compose';
import { MAX_REFERENCES, replyToEmail } from '#lib/gmail/reply';
import { MAX_RECIPIENTS } from '#lib/schemas/common';
import { emailSchemas } from '#lib/schemas/email';
import { mail } from '../../support/hostile-mail.ts';
import { store, useFakeGmail } from './fake-gmail.ts';

const mailbox = useFakeGmail();

const addresses = (count: number, prefix: string) =>
  Array.from({ length: count }, (_, i) => `${prefix}${i}@example.org`).join(', ');

function original(id: string, headers: string[]) {
  const base = ['Subject: Plans', 'Message-ID: <orig@example.net>', 'To: bob@example.com'];
  const names = headers.map((header) => header.split(':')[0]?.toLowerCase());
  const kept = base.filter((header) => !names.includes(header.split(':')[0]?.toLowerCase()));
  store(mailbox.fake, { id, raw: Buffer.from(mail([...headers, ...kept], 'Hello')) });
}

const sentMail = async () => PostalMime.parse(mailbox.fake.sent.at(-1)?.raw ?? Buffer.alloc(0));
const recipientsOf = (parsed: Awaited<ReturnType<typeof sentMail>>) => [...(parsed.to ?? []), ...(parsed.cc ?? [])];

describe('replyToEmail with a hostile original', () => {
  it('refuses a Reply-To of 500 addresses, naming the original, and sends nothing', async () => {
    original('many', ['From: a@example.net', `Reply-To: ${addresses(500, 'r')}`]);
    await expect(replyToEmail(mailbox.gmail, { message_id: 'many', body: 'ok' })).rejects.toMatchObject({
      kind: 'invalid_request',
      message: expect.stringMatching(/message_id many\).*500 addresses in its Reply-To.*100/),
    });
    expect(mailbox.fake.sent).toHaveLength(0);
  });

  it(`reply-all to 3,000 Cc goes to ${MAX_RECIPIENTS} at most, the sender first, and says what it left out`, async () => {
    original('crowd', ['From: Sender <sender@example.net>', `Cc: ${addresses(3_000, 'cc')}`]);
    const reply = await replyToEmail(
      mailbox.gmail,
      { message_id: 'crowd', body: 'ok', reply_all: true },
      'bob@example.com',
    );
    const parsed = await sentMail();
    expect(recipientsOf(parsed)).toHaveLength(MAX_RECIPIENTS);
    expect(parsed.to?.[0]?.address).toBe('sender@example.net');
    expect(reply.to).toHaveLength(MAX_RECIPIENTS);
    expect(reply.notes).toEqual([expect.stringContaining(`Left out ${3_000 - (MAX_RECIPIENTS - 1)}`)]);
  });

  it('refuses an original whose From is not an address, naming it', async () => {
    original('bad-from', ['From: "x" <not an address>']);
    await expect(replyToEmail(mailbox.gmail, { message_id: 'bad-from', body: 'ok' })).rejects.toMatchObject({
      kind: 'invalid_request',
      message: 'The email being answered (message_id bad-from) has no valid address in its From to reply to.',
    });
  });

  it('drops invalid addresses from a reply-all with a note and answers the valid ones', async () => {
    original('mixed', ['From: ok@example.net', 'Cc: "Evil" <evil@@x>, fine@example.org']);
    const reply = await replyToEmail(
      mailbox.gmail,
      { message_id: 'mixed', body: 'ok', reply_all: true },
      'bob@example.com',
    );
    expect(reply.to).toEqual(['ok@example.net', 'fine@example.org']);
    expect(reply.notes).toEqual([expect.stringContaining('Left out 1 address(es)')]);
  });

  it('cleans encoded CR/LF out of the subject and names instead of failing on them', async () => {
    const encoded = (text: string) => `=?UTF-8?B?${Buffer.from(text).toString('base64')}?=`;
    original('crlf', [
      `From: ${encoded('Mallory\r\nBcc: victim@example.org')} <mallory@example.net>`,
      `Subject: ${encoded('Invoice\r\nBcc: victim@example.org')}`,
    ]);
    const reply = await replyToEmail(mailbox.gmail, { message_id: 'crlf', body: 'ok' });
    const parsed = await sentMail();
    expect(reply.subject).toBe('Re: Invoice Bcc: victim@example.org');
    expect(parsed.subject).toBe('Re: Invoice Bcc: victim@example.org');
    expect(parsed.to?.map((mailbox) => mailbox.address)).toEqual(['mallory@example.net']);
    expect(parsed.bcc ?? []).toEqual([]);
    expect(parsed.headers.filter((header) => header.key === 'bcc')).toEqual([]);
  });

  it(`keeps the first and the latest References, ${MAX_REFERENCES} in all`, async () => {
    const ids = Array.from({ length: 400 }, (_, i) => `<r${i}@example.net>`);
    original('long-thread', ['From: a@example.net', `References: ${ids.join(' ')}`]);
    await replyToEmail(mailbox.gmail, { message_id: 'long-thread', body: 'ok' });
    const references = (await sentMail()).headers.find((header) => header.key === 'references')?.value ?? '';
    const sent = references.split(/\s+/).filter(Boolean);
    expect(sent).toHaveLength(MAX_REFERENCES);
    expect(sent[0]).toBe('<r0@example.net>');
    expect(sent.at(-1)).toBe('<orig@example.net>');
  });

  it('never downloads the original body', async () => {
    original('plain', ['From: a@example.net']);
    await replyToEmail(mailbox.gmail, { message_id: 'plain', body: 'ok' });
    const get = mailbox.fake.requests.find((request) => request.path.endsWith('/messages/plain'));
    expect(get?.query.get('format')).toBe('metadata');
  });
});

describe('attachment media types', () => {
  const file = (content_type: string) => ({ filename: 'x', content_type, data: 'aGVsbG8=' });
  const request = (content_type: string) => ({
    to: 'a@example.com',
    subject: 's',
    body: 'b',
    attachments: [file(content_type)],
  });

  it.each(['multipart/mixed', 'Multipart/Alternative', 'message/rfc822', 'message/partial'])(
    'refuses %s with the reason',
    async (type) => {
      const result = emailSchemas().SendEmailRequest.safeParse(request(type));
      expect(result.success).toBe(false);
      expect(result.error?.issues[0]?.message).toMatch(/multipart\/\* and message\/\* are mail structure, not files/);
      await expect(
        composeMessage({ to: ['a@example.com'], subject: 's', body: 'b', attachments: [file(type)] }),
      ).rejects.toMatchObject({ kind: 'invalid_request' });
    },
  );

  it.each(['application/pdf', 'text/plain', 'image/png', 'application/octet-stream'])('accepts %s', (type) => {
    expect(emailSchemas().SendEmailRequest.safeParse(request(type)).success).toBe(true);
  });
});
