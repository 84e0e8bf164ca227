import PostalMime from 'postal-mime';
import { describe, expect, it } from 'vitest';
import { emulator, newUser, post, rfc822 } from '../support/api.ts';

function original(options: {
  subject: string;
  messageId: string;
  references?: string;
  replyTo?: string;
  from?: string;
  to?: string;
  cc?: string;
  date?: string;
}) {
  return rfc822([
    `From: ${options.from ?? 'Bob Boss <boss@example.com>'}`,
    `To: ${options.to ?? 'someone@example.com'}`,
    ...(options.cc ? [`Cc: ${options.cc}`] : []),
    ...(options.replyTo ? [`Reply-To: ${options.replyTo}`] : []),
    `Subject: ${options.subject}`,
    `Date: ${options.date ?? 'Mon, 09 Nov 2026 10:00:00 +0000'}`,
    `Message-ID: ${options.messageId}`,
    ...(options.references ? [`References: ${options.references}`] : []),
    'Content-Type: text/plain; charset=UTF-8',
    '',
    'Can you send the Q4 report?',
  ]);
}

async function sentReply(email: string) {
  const message = (await emulator.sent(email)).at(-1);
  if (!message) throw new Error('no reply was sent');
  return { message, parsed: await PostalMime.parse(message.raw) };
}

describe('POST /api/email/reply', () => {
  it('replies inside the thread with In-Reply-To, the full References chain and one "Re: "', async () => {
    const user = await newUser();
    const seeded = await emulator.seedMessage({
      email: user.email,
      raw: original({
        subject: 'Q4 report',
        messageId: '<m3@example.com>',
        references: '<m1@example.com> <m2@example.com>',
      }),
    });
    const answer = await post('/api/email/reply', {
      token: user.token,
      body: { message_id: seeded.id, body: "I'll have it ready by Friday." },
    });
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({
      success: true,
      data: {
        thread_id: seeded.threadId,
        in_reply_to: seeded.id,
        subject: 'Re: Q4 report',
        to: ['Bob Boss <boss@example.com>'],
      },
    });
    const { message, parsed } = await sentReply(user.email);
    expect(message.threadId).toBe(seeded.threadId);
    expect(parsed.inReplyTo).toBe('<m3@example.com>');
    expect(parsed.references?.split(/\s+/)).toEqual(['<m1@example.com>', '<m2@example.com>', '<m3@example.com>']);
    expect(parsed.subject).toBe('Re: Q4 report');
    expect(parsed.to?.map((address) => address.address)).toEqual(['boss@example.com']);
    expect(parsed.text?.trim()).toBe("I'll have it ready by Friday.");
  });

  it.each([
    ['RE: Budget', 'RE: Budget'],
    ['re: budget', 're: budget'],
    ['Fwd: Budget', 'Re: Fwd: Budget'],
    ['Grüße zum Jahresende', 'Re: Grüße zum Jahresende'],
  ])('answers subject "%s" with "%s"', async (subject, expected) => {
    const user = await newUser();
    const seeded = await emulator.seedMessage({
      email: user.email,
      raw: original({ subject, messageId: `<s-${Math.random()}@example.com>` }),
    });
    const answer = await post('/api/email/reply', { token: user.token, body: { message_id: seeded.id, body: 'ok' } });
    expect(answer.status).toBe(200);
    expect((await sentReply(user.email)).parsed.subject).toBe(expected);
  });

  it('goes to Reply-To when the original has one', async () => {
    const user = await newUser();
    const seeded = await emulator.seedMessage({
      email: user.email,
      raw: original({ subject: 'List mail', messageId: '<l@example.com>', replyTo: 'Team <team@example.com>' }),
    });
    await post('/api/email/reply', { token: user.token, body: { message_id: seeded.id, body: 'ok' } });
    expect((await sentReply(user.email)).parsed.to?.map((address) => address.address)).toEqual(['team@example.com']);
  });

  it('finds the latest mail from sender_email', async () => {
    const user = await newUser();
    await emulator.seedMessage({
      email: user.email,
      raw: original({ subject: 'Older', messageId: '<o@example.com>', date: 'Mon, 02 Nov 2026 10:00:00 +0000' }),
      internalDate: Date.UTC(2026, 10, 2),
    });
    const latest = await emulator.seedMessage({
      email: user.email,
      raw: original({ subject: 'Newer', messageId: '<n@example.com>' }),
      internalDate: Date.UTC(2026, 10, 9),
    });
    await emulator.seedMessage({
      email: user.email,
      raw: original({ subject: 'Other sender', messageId: '<x@example.com>', from: 'x@example.com' }),
      internalDate: Date.UTC(2026, 10, 10),
    });
    const answer = await post('/api/email/reply', {
      token: user.token,
      body: { sender_email: 'boss@example.com', body: 'On it.' },
    });
    expect(answer.status).toBe(200);
    expect(answer.json.data).toMatchObject({ in_reply_to: latest.id, subject: 'Re: Newer' });
  });

  it('replies in a thread given its thread_id', async () => {
    const user = await newUser();
    const seeded = await emulator.seedMessage({
      email: user.email,
      raw: original({ subject: 'Thread', messageId: '<t@example.com>' }),
    });
    const answer = await post('/api/email/reply', {
      token: user.token,
      body: { thread_id: seeded.threadId, body: 'ok' },
    });
    expect(answer.status).toBe(200);
    expect((await sentReply(user.email)).message.threadId).toBe(seeded.threadId);
  });

  it('reply_all adds the other recipients but never the user', async () => {
    const user = await newUser();
    const seeded = await emulator.seedMessage({
      email: user.email,
      raw: original({
        subject: 'Plan',
        messageId: '<p@example.com>',
        to: `${user.email.toUpperCase()}, Carol <carol@example.com>`,
        cc: 'dave@example.com, boss@example.com',
      }),
    });
    const answer = await post('/api/email/reply', {
      token: user.token,
      body: { message_id: seeded.id, body: 'ok', reply_all: true },
    });
    expect(answer.status).toBe(200);
    const { parsed } = await sentReply(user.email);
    const everyone = [...(parsed.to ?? []), ...(parsed.cc ?? [])].map((address) => address.address?.toLowerCase());
    expect(everyone.sort()).toEqual(['boss@example.com', 'carol@example.com', 'dave@example.com']);
  });

  it('answers 404 saying what was not found', async () => {
    const user = await newUser();
    const bySender = await post('/api/email/reply', {
      token: user.token,
      body: { sender_email: 'nobody@example.com', body: 'x' },
    });
    expect(bySender.status).toBe(404);
    expect(bySender.json.error.message).toContain('nobody@example.com');
    const byId = await post('/api/email/reply', {
      token: user.token,
      body: { message_id: 'ffffffffffffffff', body: 'x' },
    });
    expect(byId.status).toBe(404);
    expect(await emulator.sent(user.email)).toEqual([]);
  });

  it('cannot be steered by search operators in sender_email', async () => {
    const user = await newUser();
    await emulator.seedMessage({
      email: user.email,
      raw: original({ subject: 'Secret', messageId: '<sec@example.com>', from: 'other@example.com' }),
    });
    for (const sender_email of ['boss@example.com OR from:other@example.com', 'x@y.z" OR "other', '*@example.com']) {
      const answer = await post('/api/email/reply', { token: user.token, body: { sender_email, body: 'x' } });
      expect([400, 404]).toContain(answer.status);
    }
    expect(await emulator.sent(user.email)).toEqual([]);
  });

  it('needs one of message_id, thread_id or sender_email', async () => {
    const user = await newUser();
    const answer = await post('/api/email/reply', { token: user.token, body: { body: 'x' } });
    expect(answer.status).toBe(400);
    expect(answer.json.error.details[0].message).toMatch(/message_id, thread_id or sender_email/);
  });
});
