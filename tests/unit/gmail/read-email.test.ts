import type { gmail_v1 } from '@googleapis/gmail';
import { describe, expect, it } from 'vitest';
import { BrokerError } from '#lib/errors';
import { MAX_MESSAGES_PER_READ, pageOfMessages } from '#lib/gmail/read-email';

const message = (id: string, text: string): gmail_v1.Schema$Message => ({
  id,
  threadId: 't',
  labelIds: ['INBOX'],
  payload: {
    mimeType: 'text/plain',
    headers: [
      { name: 'From', value: 'Ana <ana@example.com>' },
      { name: 'Subject', value: 'Hi' },
      { name: 'Content-Type', value: 'text/plain; charset=UTF-8' },
    ],
    body: { data: Buffer.from(text).toString('base64url') },
  },
});

describe('pageOfMessages', () => {
  it('cuts within the budget and continues exactly where it cut, across messages', () => {
    const thread = [message('a', 'a'.repeat(30)), message('b', 'b'.repeat(30)), message('c', 'c'.repeat(30))];
    const first = pageOfMessages(thread, 45, null);
    expect(first.messages.map((m) => [m.message_id, m.body.length, m.body_truncated])).toEqual([
      ['a', 30, false],
      ['b', 15, true],
    ]);
    expect(first.next_cursor).toBe('b.15');
    const second = pageOfMessages(thread, 45, first.next_cursor);
    expect(second.messages.map((m) => [m.message_id, m.body_offset, m.body.length])).toEqual([
      ['b', 15, 15],
      ['c', 0, 30],
    ]);
    expect(second.next_cursor).toBeNull();
  });

  it('never answers more than the message cap, and refuses a cursor from elsewhere', () => {
    const many = Array.from({ length: MAX_MESSAGES_PER_READ + 3 }, (_, i) => message(`m${i}`, 'x'));
    const page = pageOfMessages(many, 60_000, null);
    expect(page.messages).toHaveLength(MAX_MESSAGES_PER_READ);
    expect(page.next_cursor).toBe(`m${MAX_MESSAGES_PER_READ}.0`);
    expect(() => pageOfMessages(many, 100, 'zz.0')).toThrow(BrokerError);
  });
});
