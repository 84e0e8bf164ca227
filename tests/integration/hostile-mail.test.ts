import { describe, expect, it } from 'vitest';
import { emulator, newUser, post } from '../support/api.ts';
import {
  deeplyNestedMail,
  htmlMail,
  mailWithAttachment,
  pathologicalHtml,
  plainMail,
} from '../support/hostile-mail.ts';
import { sendToSelf } from '../support/mailbox.ts';

type Email = { subject: string; body: string; body_error: string | null; message_id: string };

const ONE_MB = 1_000_000;

describe('POST /api/email/unread with mail from strangers', () => {
  it('answers an inbox holding three crafted 1 MB HTML mails with the three normal ones and their bodies', async () => {
    const user = await newUser();
    const crafted = pathologicalHtml(ONE_MB);
    for (const [name, html] of [
      ['comments', crafted.comments],
      ['scripts', crafted.scripts],
      ['anchors', crafted.unclosedAnchors],
    ] as const) {
      await emulator.seedMessage({ email: user.email, raw: htmlMail(`Crafted ${name}`, `<p>Hi</p>${html}`) });
    }
    for (const name of ['one', 'two', 'three']) {
      await emulator.seedMessage({ email: user.email, raw: plainMail(`Normal ${name}`, 300) });
    }

    const answer = await post('/api/email/unread', { token: user.token, body: { limit: 10 } });

    expect(answer.status).toBe(200);
    const emails = answer.json.emails as Email[];
    expect(emails).toHaveLength(6);
    for (const name of ['one', 'two', 'three']) {
      const normal = emails.find((email) => email.subject === `Normal ${name}`);
      expect(normal?.body).toContain('A plain sentence to read.');
      expect(normal?.body_error).toBeNull();
    }
    // The crafted ones are read too (the converter is linear), or say why not: never a failed page.
    for (const email of emails.filter((candidate) => candidate.subject.startsWith('Crafted'))) {
      expect(email.body === 'Hi' || typeof email.body_error === 'string').toBe(true);
    }
  });

  it('answers 200 with the other mail when one message is nested 300 multiparts deep', async () => {
    const user = await newUser();
    await emulator.seedMessage({ email: user.email, raw: deeplyNestedMail('Matryoshka', 300) });
    await emulator.seedMessage({ email: user.email, raw: plainMail('Ordinary', 200) });

    const answer = await post('/api/email/unread', { token: user.token, body: {} });

    expect(answer.status).toBe(200);
    const emails = answer.json.emails as Email[];
    const ordinary = emails.find((email) => email.subject === 'Ordinary');
    const deep = emails.find((email) => email.subject === 'Matryoshka');
    expect(ordinary?.body).toContain('A plain sentence to read.');
    expect(deep).toMatchObject({ body: '' });
    expect(deep?.body_error).toContain('nest more than');
  });

  it('lists 20 mails with 5 MB attachments transferring a small fraction of them, text bodies kept', async () => {
    const user = await newUser();
    const attachmentBytes = 5 * 1024 * 1024;
    await emulator.seedMessage({
      email: user.email,
      raw: mailWithAttachment('Invoice', 'Your invoice is attached.', attachmentBytes),
      copies: 20,
    });
    await emulator.clearRequests();

    const answer = await post('/api/email/unread', { token: user.token, body: { limit: 20 } });

    expect(answer.status).toBe(200);
    const emails = answer.json.emails as Email[];
    expect(emails).toHaveLength(20);
    for (const email of emails) expect(email.body).toBe('Your invoice is attached.');
    const gmail = (await emulator.requests()).filter((request) => request.path.startsWith('/gmail/'));
    const transferred = gmail.reduce((sum, request) => sum + request.responseBytes, 0);
    expect(gmail.some((request) => request.path.includes('/attachments/'))).toBe(false);
    expect(transferred).toBeGreaterThan(20 * 'Your invoice is attached.'.length); // the log does count bytes
    // 20 attachments are 100 MiB; what came over is the messages' structure and text, under one attachment's size.
    expect(transferred).toBeLessThan(attachmentBytes / 10);
  });
});

describe('POST /api/email/reply to mail from strangers', () => {
  it('refuses an original with 500 Reply-To addresses, naming it, and sends nothing', async () => {
    const user = await newUser();
    const replyTo = Array.from({ length: 500 }, (_, i) => `r${i}@example.org`).join(', ');
    const seeded = await emulator.seedMessage({
      email: user.email,
      raw: plainMail('Reply to all of us', 100).replace('Subject:', `Reply-To: ${replyTo}\r\nSubject:`),
    });

    const answer = await post('/api/email/reply', { token: user.token, body: { message_id: seeded.id, body: 'No.' } });

    expect(answer.status).toBe(400);
    expect(answer.json.error.message).toContain(`message_id ${seeded.id}`);
    expect(answer.json.error.message).toContain('500 addresses in its Reply-To');
    expect(await emulator.sent(user.email)).toHaveLength(0);
  });

  it('replies to a crafted 1 MB HTML mail without reading its body', async () => {
    const user = await newUser();
    const seeded = await emulator.seedMessage({
      email: user.email,
      raw: htmlMail('Crafted', pathologicalHtml(ONE_MB).comments),
    });

    const answer = await post('/api/email/reply', {
      token: user.token,
      body: { message_id: seeded.id, body: 'Got it.' },
    });

    expect(answer.status).toBe(200);
    expect(answer.json.data).toMatchObject({
      subject: 'Re: Crafted',
      to: ['Stranger <stranger@example.net>'],
      notes: [],
    });
  });
});

describe('POST /api/email/send attachment types', () => {
  it.each(['multipart/mixed', 'message/rfc822'])('refuses content_type %s with a 400 saying why', async (type) => {
    const user = await newUser();
    const answer = await sendToSelf(user, {
      subject: 'File',
      body: 'Attached.',
      attachments: [{ filename: 'x', content_type: type, data: 'aGVsbG8=' }],
    });
    expect(answer.status).toBe(400);
    expect(answer.json.error.details).toContainEqual({
      field: 'attachments[0].content_type',
      message: expect.stringContaining('multipart/* and message/* are mail structure, not files'),
    });
    expect(await emulator.sent(user.email)).toHaveLength(0);
  });
});
