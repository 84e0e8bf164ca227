import { describe, expect, it } from 'vitest';
import type { CreatedUser } from '../../emulator/control-client.ts';
import { newUser, post } from '../support/api.ts';
import { receive } from '../support/mailbox.ts';

/** Five messages of one conversation, each with a body of `size` characters. */
async function seedThread(user: CreatedUser, size: number) {
  const bodies = Array.from({ length: 5 }, (_, i) => `${String(i + 1).repeat(5)} ${'x'.repeat(size - 6)}`);
  const seeded = [];
  for (const [i, body] of bodies.entries()) {
    const mail = {
      from: i % 2 === 0 ? 'Ana <ana@example.com>' : `Me <${user.email}>`,
      to: i % 2 === 0 ? user.email : 'ana@example.com',
      subject: i === 0 ? 'Offsite' : 'Re: Offsite',
      messageId: `<offsite-${i}@example.com>`,
      references: Array.from({ length: i }, (_, j) => `<offsite-${j}@example.com>`).join(' '),
      body,
    };
    // Seeded out of order on purpose: the thread is read by date, oldest first.
    seeded.push(await receive(user, mail, { internalDate: Date.UTC(2026, 10, 1 + i) }));
  }
  return { seeded, bodies };
}

describe('POST /api/email/read', () => {
  it('reads a thread of five oldest first within its budget, and continues with the cursor to the end', async () => {
    const user = await newUser();
    const { seeded, bodies } = await seedThread(user, 1500);
    const threadId = seeded[0]?.threadId;
    expect(new Set(seeded.map((message) => message.threadId)).size).toBe(1);

    const pages = [];
    let cursor: string | null = null;
    do {
      const answer = await post('/api/email/read', {
        token: user.token,
        body: { thread_id: threadId, max_chars: 2000, ...(cursor ? { cursor } : {}) },
      });
      expect(answer.status, answer.text).toBe(200);
      const text = answer.json.messages.map((message: { body: string }) => message.body).join('');
      expect(text.length).toBeLessThanOrEqual(2000);
      pages.push(answer.json);
      cursor = answer.json.next_cursor;
    } while (cursor && pages.length < 10);

    expect(cursor).toBeNull();
    expect(pages.length).toBe(Math.ceil((5 * 1500) / 2000));
    // Put back together, the pieces are every message's whole text, in order.
    const whole = new Map<string, string>();
    for (const page of pages) {
      expect(page.thread_id).toBe(threadId);
      for (const message of page.messages) {
        expect(message.body_offset).toBe((whole.get(message.message_id) ?? '').length);
        whole.set(message.message_id, (whole.get(message.message_id) ?? '') + message.body);
      }
    }
    expect([...whole.keys()]).toEqual(seeded.map((message) => message.id));
    expect([...whole.values()]).toEqual(bodies);
    const first = pages[0].messages[0];
    expect(first).toMatchObject({ from_email: 'ana@example.com', subject: 'Offsite', body_length: 1500 });
    expect(pages[0].messages[1]).toMatchObject({ body_truncated: true, subject: 'Re: Offsite' });
  });

  it('reads one message with its attachments listed', async () => {
    const user = await newUser();
    const seeded = await receive(user, {
      subject: 'Slides',
      headers: ['MIME-Version: 1.0', 'Content-Type: multipart/mixed; boundary="b"'],
      body: [
        '--b',
        'Content-Type: text/html; charset=UTF-8',
        '',
        '<p>Here are the <b>slides</b>.</p>',
        '--b',
        'Content-Type: application/pdf; name="deck.pdf"',
        'Content-Disposition: attachment; filename="deck.pdf"',
        'Content-Transfer-Encoding: base64',
        '',
        Buffer.from('%PDF deck').toString('base64'),
        '--b--',
      ].join('\r\n'),
    });
    const answer = await post('/api/email/read', { token: user.token, body: { message_id: seeded.id } });
    expect(answer.status).toBe(200);
    expect(answer.json.next_cursor).toBeNull();
    const [message] = answer.json.messages;
    expect(message.body).toBe('Here are the slides.');
    expect(message.attachments).toEqual([
      { attachment_id: expect.any(String), filename: 'deck.pdf', content_type: 'application/pdf', size: 9 },
    ]);
  });

  it('answers 400 for both ids or a foreign cursor, and 404 for an unknown id', async () => {
    const user = await newUser();
    const { seeded } = await seedThread(user, 100);
    const both = await post('/api/email/read', {
      token: user.token,
      body: { message_id: seeded[0]?.id, thread_id: seeded[0]?.threadId },
    });
    expect(both.status).toBe(400);
    const foreign = await post('/api/email/read', {
      token: user.token,
      body: { message_id: seeded[0]?.id, cursor: `${seeded[1]?.id}.10` },
    });
    expect(foreign.status).toBe(400);
    expect(foreign.json.error.details[0].field).toBe('cursor');
    const missing = await post('/api/email/read', { token: user.token, body: { thread_id: 'ffffffffffffffff' } });
    expect(missing.status).toBe(404);
    expect(missing.json.error.message).toContain('ffffffffffffffff');
  });
});
