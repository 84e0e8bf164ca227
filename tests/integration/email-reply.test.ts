import { describe, expect, it } from 'vitest';
import { emulator, newUser, post } from '../support/api.ts';
import { expectReplyInThread, lastSent, receiveOriginal, THIRD_IN_THREAD } from '../support/mailbox.ts';

describe('POST /api/email/reply', () => {
  it('replies inside the thread with In-Reply-To, the full References chain and one "Re: "', async () => {
    const user = await newUser();
    const seeded = await receiveOriginal(user, THIRD_IN_THREAD);
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
    const parsed = await expectReplyInThread(user, seeded);
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
    const seeded = await receiveOriginal(user, { subject });
    const answer = await post('/api/email/reply', { token: user.token, body: { message_id: seeded.id, body: 'ok' } });
    expect(answer.status).toBe(200);
    expect((await lastSent(user)).parsed.subject).toBe(expected);
  });

  it('goes to Reply-To when the original has one', async () => {
    const user = await newUser();
    const seeded = await receiveOriginal(user, { subject: 'List mail', replyTo: 'Team <team@example.com>' });
    await post('/api/email/reply', { token: user.token, body: { message_id: seeded.id, body: 'ok' } });
    expect((await lastSent(user)).parsed.to?.map((address) => address.address)).toEqual(['team@example.com']);
  });

  it('finds the latest mail from sender_email', async () => {
    const user = await newUser();
    await receiveOriginal(
      user,
      { subject: 'Older', date: 'Mon, 02 Nov 2026 10:00:00 +0000' },
      { internalDate: Date.UTC(2026, 10, 2) },
    );
    const latest = await receiveOriginal(user, { subject: 'Newer' }, { internalDate: Date.UTC(2026, 10, 9) });
    await receiveOriginal(
      user,
      { subject: 'Other sender', from: 'x@example.com' },
      { internalDate: Date.UTC(2026, 10, 10) },
    );
    const answer = await post('/api/email/reply', {
      token: user.token,
      body: { sender_email: 'boss@example.com', body: 'On it.' },
    });
    expect(answer.status).toBe(200);
    expect(answer.json.data).toMatchObject({ in_reply_to: latest.id, subject: 'Re: Newer' });
  });

  it('replies in a thread given its thread_id', async () => {
    const user = await newUser();
    const seeded = await receiveOriginal(user, { subject: 'Thread' });
    const answer = await post('/api/email/reply', {
      token: user.token,
      body: { thread_id: seeded.threadId, body: 'ok' },
    });
    expect(answer.status).toBe(200);
    expect((await lastSent(user)).message.threadId).toBe(seeded.threadId);
  });

  it('reply_all adds the other recipients but never the user', async () => {
    const user = await newUser();
    const seeded = await receiveOriginal(user, {
      subject: 'Plan',
      to: `${user.email.toUpperCase()}, Carol <carol@example.com>`,
      cc: 'dave@example.com, boss@example.com',
    });
    const answer = await post('/api/email/reply', {
      token: user.token,
      body: { message_id: seeded.id, body: 'ok', reply_all: true },
    });
    expect(answer.status).toBe(200);
    const { parsed } = await lastSent(user);
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
    await receiveOriginal(user, { subject: 'Secret', from: 'other@example.com' });
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
