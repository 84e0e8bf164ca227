import { afterEach, describe, expect, it } from 'vitest';
import { API_GATEWAY_TIMEOUT_MS } from '#lib/deadline';
import { deadlineShareMs } from '#lib/gmail/deadline';
import { MAX_PART_DEPTH } from '#lib/gmail/part-tree';
import { MAX_LISTED_ADDRESSES, MAX_SUBJECT_CHARS } from '#lib/schemas/email';
import { MAX_READ_CHARS } from '#lib/schemas/mailbox';
import type { CreatedUser, SeededMessage } from '../../emulator/control-client.ts';
import { INLINE_BODY_BYTES } from '../../emulator/gmail-format.ts';
import { emulator, newUser, post } from '../support/api.ts';
import { deeplyNestedMail, multipartBody, repeatTo } from '../support/hostile-mail.ts';
import { receive } from '../support/mailbox.ts';

interface ReadPiece {
  message_id: string;
  body: string;
  body_offset: number;
  body_length: number;
  body_error: string | null;
}

/**
 * Reads an email or thread page by page with next_cursor until it is null, checking each
 * page keeps its budget and each piece starts where the last one ended. Returns the pages
 * and every message's text put back together, in the order read.
 */
async function readToEnd(
  user: CreatedUser,
  request: { message_id?: string | undefined; thread_id?: string | undefined },
  maxChars: number,
) {
  const pages = [];
  const whole = new Map<string, string>();
  let cursor: string | null = null;
  do {
    const answer = await post('/api/email/read', {
      token: user.token,
      body: { ...request, max_chars: maxChars, ...(cursor ? { cursor } : {}) },
    });
    expect(answer.status, answer.text).toBe(200);
    const messages = answer.json.messages as ReadPiece[];
    expect(messages.reduce((sum, message) => sum + message.body.length, 0)).toBeLessThanOrEqual(maxChars);
    for (const message of messages) {
      expect(message.body_offset).toBe((whole.get(message.message_id) ?? '').length);
      whole.set(message.message_id, (whole.get(message.message_id) ?? '') + message.body);
    }
    pages.push(answer.json);
    cursor = answer.json.next_cursor;
  } while (cursor && pages.length < 50);
  expect(cursor).toBeNull();
  return { pages, whole };
}

/** `count` numbered lines of text, so a piece lost, repeated or out of order shows. */
const numberedLines = (count: number, words = 'of a long report that has to be read to its end') =>
  Array.from({ length: count }, (_, i) => `Line ${String(i + 1).padStart(5, '0')} ${words}.`);

/** Each read's requests to Gmail's attachments route (large text parts come by attachment id). */
const attachmentGets = async () =>
  (await emulator.requests()).filter((request) => request.path.includes('/attachments/'));

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
  afterEach(async () => {
    await emulator.clearFaults();
    await emulator.setLatency(0);
  });

  it('reads a thread of five oldest first within its budget, and continues with the cursor to the end', async () => {
    const user = await newUser();
    const { seeded, bodies } = await seedThread(user, 1500);
    const threadId = seeded[0]?.threadId;
    expect(new Set(seeded.map((message) => message.threadId)).size).toBe(1);

    const { pages, whole } = await readToEnd(user, { thread_id: threadId }, 2000);

    expect(pages.length).toBe(Math.ceil((5 * 1500) / 2000));
    for (const page of pages) expect(page.thread_id).toBe(threadId);
    // Put back together, the pieces are every message's whole text, in order.
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

  it('reads a 600 KB plain-text email Gmail leaves out of the message to its end across cursors', async () => {
    const user = await newUser();
    const lines = numberedLines(10_000);
    const seeded = await receive(user, {
      subject: 'Annual report',
      headers: ['Content-Type: text/plain; charset=UTF-8'],
      body: lines.join('\r\n'),
    });
    const text = lines.join('\n');
    expect(text.length).toBeGreaterThan(2 * INLINE_BODY_BYTES);
    await emulator.clearRequests();

    const { pages, whole } = await readToEnd(user, { message_id: seeded.id }, MAX_READ_CHARS);

    expect(pages.length).toBe(Math.ceil(text.length / MAX_READ_CHARS));
    expect(whole.get(seeded.id)).toBe(text);
    for (const page of pages) {
      expect(page.messages).toHaveLength(1);
      expect(page.messages[0]).toMatchObject({ body_length: text.length, body_error: null });
    }
    // The text part is fetched once per page by its attachment id (each read stands alone), nothing else.
    expect((await attachmentGets()).map((request) => request.path)).toEqual(
      pages.map(() => expect.stringContaining(`/messages/${seeded.id}/attachments/`)),
    );
  });

  it('reads a 600 KB HTML-only email to its end as text', async () => {
    const user = await newUser();
    const paragraphs = numberedLines(9_000, 'in <b>bold</b> and &amp; plain words').map((line) => `<p>${line}</p>`);
    const seeded = await receive(user, {
      subject: 'Newsletter',
      headers: ['Content-Type: text/html; charset=UTF-8'],
      body: `<html><head><style>p { margin: 0 }</style></head><body>${paragraphs.join('\r\n')}</body></html>`,
    });
    const text = numberedLines(9_000, 'in bold and & plain words').join('\n\n');

    const { pages, whole } = await readToEnd(user, { message_id: seeded.id }, MAX_READ_CHARS);

    expect(whole.get(seeded.id)).toBe(text);
    expect(pages.at(-1).messages[0]).toMatchObject({ body_length: text.length, body_error: null });
  });

  it("answers a thread whose one large part Gmail keeps failing with the others' whole text and that one marked", async () => {
    const user = await newUser();
    const lines = numberedLines(Math.ceil((INLINE_BODY_BYTES + 20_000) / 62));
    const bodies = ['first', 'second', 'third'].map((name) => lines.map((line) => `${name} ${line}`));
    const seeded: SeededMessage[] = [];
    for (const [i, body] of bodies.entries()) {
      const mail = {
        subject: 'Minutes',
        headers: ['Content-Type: text/plain; charset=UTF-8'],
        body: body.join('\r\n'),
      };
      const threadId = seeded[0]?.threadId;
      seeded.push(
        await receive(user, mail, { internalDate: Date.UTC(2026, 10, 1 + i), ...(threadId ? { threadId } : {}) }),
      );
    }
    const [first, broken, third] = seeded as [SeededMessage, SeededMessage, SeededMessage];
    await emulator.addFault({
      method: 'GET',
      pathPattern: `/messages/${broken.id}/attachments/`,
      status: 500,
      times: 50,
    });

    const { pages, whole } = await readToEnd(user, { thread_id: first.threadId }, MAX_READ_CHARS);

    expect(whole.get(first.id)).toBe(bodies[0]?.join('\n'));
    expect(whole.get(third.id)).toBe(bodies[2]?.join('\n'));
    const marked = pages.flatMap((page) => page.messages).filter((message) => message.message_id === broken.id);
    expect(marked).toHaveLength(1);
    expect(marked[0]).toMatchObject({ subject: 'Minutes', body: '', body_length: 0 });
    expect(marked[0].body_error).toMatch(/^The body was not read: /);
  });

  it('ends the answer at the message the deadline reaches when Gmail is slow on every large part, and the cursor reads on to the end', async () => {
    // Each large part takes SLOW_MS: within its share of the time, but together past the deadline.
    const SLOW_MS = 1_300;
    const count = Math.ceil(API_GATEWAY_TIMEOUT_MS / SLOW_MS) + 4;
    expect(SLOW_MS).toBeLessThan(deadlineShareMs(count) - 500);
    const user = await newUser();
    const seeded: SeededMessage[] = [];
    for (let i = 0; i < count; i += 1) {
      // A newsletter: more markup than Gmail puts in the message, little text, so time ends the answer, not max_chars.
      const mail = {
        subject: 'Weekly',
        headers: ['Content-Type: text/html; charset=UTF-8'],
        body: `<p>Issue ${i + 1}</p>${repeatTo('<span></span>', INLINE_BODY_BYTES + 10_000)}`,
      };
      const threadId = seeded[0]?.threadId;
      const arrival = { internalDate: Date.UTC(2026, 10, 1, 0, i), ...(threadId ? { threadId } : {}) };
      seeded.push(await receive(user, mail, arrival));
    }
    await emulator.setLatency(SLOW_MS, '/attachments/');

    const { pages, whole } = await readToEnd(user, { thread_id: seeded[0]?.threadId }, MAX_READ_CHARS);

    const shown = pages[0].messages.length;
    expect(shown).toBeGreaterThan(1);
    expect(shown).toBeLessThan(count);
    expect(pages[0].next_cursor).toBe(`${seeded[shown]?.id}.0`);
    expect([...whole.entries()]).toEqual(seeded.map((message, i) => [message.id, `Issue ${i + 1}`]));
    for (const message of pages.flatMap((page) => page.messages)) expect(message.body_error).toBeNull();
  });

  it('answers a 2 MB Subject cut to a subject line, with the body read', async () => {
    const user = await newUser();
    const subject = repeatTo('Win big now ', 2_000_000);
    const seeded = await receive(user, {
      subject,
      headers: ['Content-Type: text/plain; charset=UTF-8'],
      body: 'Just a short body.',
    });

    const answer = await post('/api/email/read', { token: user.token, body: { message_id: seeded.id } });

    expect(answer.status, answer.text).toBe(200);
    expect(answer.text.length).toBeLessThan(10_000);
    const [message] = answer.json.messages;
    expect(message).toMatchObject({ from_email: 'ana@example.com', body: 'Just a short body.', body_error: null });
    expect(message.subject).toBe(subject.slice(0, MAX_SUBJECT_CHARS));
  });

  it('answers a mail with 5,000 Cc addresses with the first ones listed up to the cap and how many more there were', async () => {
    const user = await newUser();
    const crowd = Array.from({ length: 5_000 }, (_, i) => `cc${i}@example.org`);
    const seeded = await receive(user, { subject: 'Everyone', headers: [`Cc: ${crowd.join(', ')}`], body: 'Hi all.' });

    const answer = await post('/api/email/read', { token: user.token, body: { message_id: seeded.id } });

    expect(answer.status, answer.text).toBe(200);
    const [message] = answer.json.messages;
    expect(message.cc).toEqual([
      ...crowd.slice(0, MAX_LISTED_ADDRESSES),
      `(and ${crowd.length - MAX_LISTED_ADDRESSES} more)`,
    ]);
    expect(message).toMatchObject({ to: [user.email], body: 'Hi all.' });
  });

  it(`answers a thread with the other messages in full and one nested ${MAX_PART_DEPTH + 1} levels deep with body_error and no attachments`, async () => {
    const user = await newUser();
    // A file beside the deep part: a refused tree lists none of its files, not only the deep ones.
    const withFile = (source: string) =>
      source.replace(
        '--b0\r\n',
        '--b0\r\nContent-Type: application/pdf; name="deck.pdf"\r\nContent-Disposition: attachment; filename="deck.pdf"\r\n\r\n%PDF\r\n--b0\r\n',
      );
    const sources = [
      withFile(deeplyNestedMail('Layers', MAX_PART_DEPTH, 'as deep as is read')),
      withFile(deeplyNestedMail('Re: Layers', MAX_PART_DEPTH + 1, 'one level too deep')),
      deeplyNestedMail('Re: Layers', 2, 'back near the top'),
    ];
    const seeded: SeededMessage[] = [];
    for (const [i, source] of sources.entries()) {
      const threadId = seeded[0]?.threadId;
      seeded.push(
        await receive(user, source, { internalDate: Date.UTC(2026, 10, 1 + i), ...(threadId ? { threadId } : {}) }),
      );
    }

    const answer = await post('/api/email/read', { token: user.token, body: { thread_id: seeded[0]?.threadId } });

    expect(answer.status, answer.text).toBe(200);
    const [deepest, tooDeep, shallow] = answer.json.messages;
    expect(deepest).toMatchObject({ body: 'as deep as is read', body_error: null });
    expect(deepest.attachments).toEqual([
      { attachment_id: expect.any(String), filename: 'deck.pdf', content_type: 'application/pdf', size: 4 },
    ]);
    expect(tooDeep).toMatchObject({ message_id: seeded[1]?.id, subject: 'Re: Layers', body: '', attachments: [] });
    expect(tooDeep.from_email).toBe('stranger@example.net');
    expect(tooDeep.body_error).toBe(`The body was not read: its parts nest more than ${MAX_PART_DEPTH} levels deep.`);
    expect(shallow).toMatchObject({ body: 'back near the top', body_error: null, attachments: [] });
  });

  it('lists a text part marked Content-Disposition: attachment without a file name as a file, never as body', async () => {
    const user = await newUser();
    const seeded = await receive(user, {
      subject: 'Build log',
      headers: ['MIME-Version: 1.0', 'Content-Type: multipart/mixed; boundary="b"'],
      body: multipartBody('b', [
        { headers: ['Content-Type: text/plain; charset=UTF-8'], content: 'The build failed; the log is attached.' },
        {
          headers: ['Content-Type: text/plain; charset=UTF-8', 'Content-Disposition: attachment'],
          content: 'error: missing semicolon at line 12',
        },
      ]),
    });

    const read = await post('/api/email/read', { token: user.token, body: { message_id: seeded.id } });
    const listed = await post('/api/email/unread', { token: user.token, body: {} });
    const found = await post('/api/email/search', { token: user.token, body: { query: 'subject:"Build log"' } });

    const [message] = read.json.messages;
    expect(message.body).toBe('The build failed; the log is attached.');
    expect(message.attachments).toEqual([
      { attachment_id: expect.any(String), filename: 'attachment', content_type: 'text/plain', size: 35 },
    ]);
    expect(listed.json.emails[0].body).toBe('The build failed; the log is attached.');
    expect(found.json.emails[0]).toMatchObject({ message_id: seeded.id, has_attachments: true });
    const file = await post('/api/email/attachment', {
      token: user.token,
      body: { message_id: seeded.id, attachment_id: message.attachments[0].attachment_id },
    });
    expect(file.status, file.text).toBe(200);
    expect(file.json).toMatchObject({ filename: 'attachment', text: 'error: missing semicolon at line 12' });
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
