import type { gmail_v1 } from '@googleapis/gmail';
import { describe, expect, it } from 'vitest';
import { BrokerError } from '#lib/errors';
import { deadlineSignal } from '#lib/gmail/deadline';
import {
  MAX_MESSAGES_PER_READ,
  pageOfMessages,
  READ_AGAIN,
  readEmail,
  readStart,
  type TextReader,
  TIME_UP,
} from '#lib/gmail/read-email';
import { MESSAGE_BODY_BYTES } from '#lib/schemas/email';
import { INLINE_BODY_BYTES } from '../../../emulator/gmail-format.ts';
import { mail, repeatTo } from '../../support/hostile-mail.ts';
import { googleError, store, useFakeGmail } from './fake-gmail.ts';

const message = (id: string): gmail_v1.Schema$Message => ({
  id,
  threadId: 't',
  labelIds: ['INBOX'],
  payload: { mimeType: 'text/plain', headers: [{ name: 'Subject', value: `About ${id}` }] },
});

/** A reader answering each message's text from `texts` (a message missing there could not be read). */
const readerOf =
  (texts: Record<string, string>): TextReader =>
  async ({ id }) => {
    const text = texts[id ?? ''];
    return text === undefined ? { text: '', error: 'The body was not read: broken.' } : { text, error: null };
  };

const page = (messages: gmail_v1.Schema$Message[], maxChars: number, cursor: string | null, reader: TextReader) =>
  pageOfMessages(messages, maxChars, readStart(messages, cursor), reader);

describe('pageOfMessages', () => {
  it('cuts within the budget and continues exactly where it cut, across messages', async () => {
    const thread = [message('a'), message('b'), message('c')];
    const reader = readerOf({ a: 'a'.repeat(30), b: 'b'.repeat(30), c: 'c'.repeat(30) });
    const first = await page(thread, 45, null, reader);
    expect(first.messages.map((m) => [m.message_id, m.body.length, m.body_truncated])).toEqual([
      ['a', 30, false],
      ['b', 15, true],
    ]);
    expect(first.next_cursor).toBe('b.15');
    const second = await page(thread, 45, first.next_cursor, reader);
    expect(second.messages.map((m) => [m.message_id, m.body_offset, m.body.length])).toEqual([
      ['b', 15, 15],
      ['c', 0, 30],
    ]);
    expect(second.next_cursor).toBeNull();
  });

  it('shows an unreadable message with its headers and body_error, and goes on with the next', async () => {
    const thread = [message('a'), message('broken'), message('c')];
    const answer = await page(thread, 100, null, readerOf({ a: 'first', c: 'third' }));
    expect(answer.messages.map((m) => [m.message_id, m.body, m.body_error])).toEqual([
      ['a', 'first', null],
      ['broken', '', 'The body was not read: broken.'],
      ['c', 'third', null],
    ]);
    expect(answer.messages[1]).toMatchObject({ subject: 'About broken', body_length: 0, body_truncated: false });
    expect(answer.next_cursor).toBeNull();
  });

  it('reads only the messages it shows', async () => {
    const thread = [message('a'), message('b'), message('c')];
    const read: string[] = [];
    const reader: TextReader = async ({ id }) => {
      read.push(id ?? '');
      return { text: 'x'.repeat(10), error: null };
    };
    const answer = await page(thread, 15, null, reader);
    expect(answer.next_cursor).toBe('b.5');
    expect(read).toEqual(['a', 'b']);
  });

  it("ends the answer before the message the read's time ran out on, with a cursor to it", async () => {
    const thread = [message('a'), message('b'), message('c'), message('d')];
    const read: string[] = [];
    const reader: TextReader = async ({ id }) => {
      read.push(id ?? '');
      return id === 'c' ? TIME_UP : { text: `text of ${id}`, error: null };
    };
    const answer = await page(thread, 1_000, null, reader);
    expect(answer.messages.map((m) => [m.message_id, m.body, m.body_error])).toEqual([
      ['a', 'text of a', null],
      ['b', 'text of b', null],
    ]);
    expect(answer.next_cursor).toBe('c.0');
    expect(read).toEqual(['a', 'b', 'c']);
  });

  it('shows the first message the time ran out on with its headers and a cursor to read it again', async () => {
    const thread = [message('a'), message('b')];
    const answer = await page(thread, 1_000, 'a.40', async () => TIME_UP);
    expect(answer.messages).toHaveLength(1);
    expect(answer.messages[0]).toMatchObject({ message_id: 'a', subject: 'About a', body: '', body_error: READ_AGAIN });
    expect(answer.next_cursor).toBe('a.40');
  });

  it('never answers more than the message cap, and refuses a cursor from elsewhere', async () => {
    const many = Array.from({ length: MAX_MESSAGES_PER_READ + 3 }, (_, i) => message(`m${i}`));
    const answer = await page(many, 60_000, null, async () => ({ text: 'x', error: null }));
    expect(answer.messages).toHaveLength(MAX_MESSAGES_PER_READ);
    expect(answer.next_cursor).toBe(`m${MAX_MESSAGES_PER_READ}.0`);
    expect(() => readStart(many, 'zz.0')).toThrow(BrokerError);
  });
});

describe('readEmail of a body Gmail leaves out of the message', () => {
  const mailbox = useFakeGmail();
  const seed = (id: string, source: string) => store(mailbox.fake, { id, raw: Buffer.from(source), snippet: id });
  const attachmentGets = () => mailbox.fake.requests.filter((request) => request.path.includes('/attachments/'));
  const headers = (contentType: string) => ['From: a@example.net', 'Subject: Long', `Content-Type: ${contentType}`];

  it('reads text parts whole within the byte budget and says how many bytes past it were left unread', async () => {
    const first = repeatTo('First part. ', 700_000).trim();
    const second = repeatTo('Second part. ', 700_000).trim();
    const body = ['--p', 'Content-Type: text/plain', '', first, '--p', 'Content-Type: text/plain', '', second, '--p--'];
    seed('parts', mail(headers('multipart/mixed; boundary="p"'), body.join('\r\n')));

    const answer = await readEmail(mailbox.gmail, { message_id: 'parts', max_chars: 500 });

    const [read] = answer.messages;
    expect(read).toMatchObject({ body: first.slice(0, 500), body_length: first.length, body_truncated: true });
    expect(read?.body_error).toBe(
      `The text ends early: its last ${second.length} bytes were not read (at most ${MESSAGE_BODY_BYTES} bytes of text are read per message).`,
    );
    // The part past the budget is never fetched.
    expect(attachmentGets()).toHaveLength(1);
  });

  it('does not fetch a text part larger than the budget, and says why the body is empty', async () => {
    seed('huge', mail(headers('text/plain'), repeatTo('Too long. ', MESSAGE_BODY_BYTES + 1_000)));
    const answer = await readEmail(mailbox.gmail, { message_id: 'huge' });
    expect(answer.messages[0]).toMatchObject({ body: '', body_length: 0 });
    expect(answer.messages[0]?.body_error).toContain(`more than the ${MESSAGE_BODY_BYTES} read per message`);
    expect(attachmentGets()).toHaveLength(0);
  });

  it("answers the message's headers and a cursor to read it again when the read's time runs out on its text", async () => {
    seed('slow', mail(headers('text/plain'), repeatTo('Slow. ', INLINE_BODY_BYTES + 1_000)));
    mailbox.fake.attachmentDelayMs = 2_000;
    // The caller's signal is the operation's deadline (the HTTP layer may pass its own).
    const answer = await readEmail(mailbox.gmail, { message_id: 'slow' }, { signal: deadlineSignal(300) });
    expect(answer.messages).toEqual([expect.objectContaining({ subject: 'Long', body: '', body_error: READ_AGAIN })]);
    expect(answer.next_cursor).toBe('slow.0');
    expect(attachmentGets()).toHaveLength(1);
  });

  it("fails the read for the caller's own rejected token while fetching a part, rather than hiding it", async () => {
    seed('large', mail(headers('text/plain'), repeatTo('Large. ', INLINE_BODY_BYTES + 1_000)));
    mailbox.fake.intercept = (request) =>
      request.path.includes('/attachments/') ? googleError(401, 'Invalid Credentials', 'authError') : undefined;
    await expect(readEmail(mailbox.gmail, { message_id: 'large' })).rejects.toMatchObject({ kind: 'invalid_token' });
  });
});
