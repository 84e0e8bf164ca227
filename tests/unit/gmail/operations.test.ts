import { readFileSync } from 'node:fs';
import PostalMime from 'postal-mime';
import { describe, expect, it } from 'vitest';
import { composeMessage } from '#lib/gmail/compose';
import { deadlineSignal } from '#lib/gmail/deadline';
import { replyToEmail } from '#lib/gmail/reply';
import { sendEmail, sendRaw, UPLOAD_THRESHOLD_BYTES } from '#lib/gmail/send';
import { FETCH_CONCURRENCY, listUnread } from '#lib/gmail/unread';
import { googleError, store, useFakeGmail } from './fake-gmail.ts';

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/mail/${name}`, import.meta.url));

const mailbox = useFakeGmail();

const gets = () =>
  mailbox.fake.requests.filter((request) => request.method === 'GET' && /\/messages\/[\w-]+$/.test(request.path));

describe('listUnread', () => {
  it('lists, then fetches the messages in parallel, keeping the list order and readable bodies', async () => {
    const names = ['mixed-alternative-related.eml', 'html-only.eml', 'latin1-qp.eml', 'windows-1252.eml'];
    for (let i = 0; i < 60; i++)
      store(mailbox.fake, { id: `m${i}`, raw: fixture(names[i % names.length] as string), snippet: 'It&#39;s here' });
    mailbox.fake.getDelayMs = 30;

    const page = await listUnread(mailbox.gmail, { limit: 60 });

    expect(page.emails.map((email) => email.message_id)).toEqual(Array.from({ length: 60 }, (_, i) => `m${i}`));
    expect(mailbox.fake.peakConcurrentGets).toBeGreaterThan(1);
    expect(mailbox.fake.peakConcurrentGets).toBeLessThanOrEqual(FETCH_CONCURRENCY);
    const [first, second, third, fourth] = page.emails;
    expect(first).toMatchObject({
      thread_id: 't-m0',
      from_email: 'ana@example.org',
      from_name: 'Ana María López',
      to: ['Bob Smith <bob@example.com>', '"Doe, Jane" <jane@example.com>'],
      subject: 'Quarterly report — Q3 (final)',
      date: 'Tue, 3 Nov 2026 18:15:00 +0100',
      snippet: "It's here",
      is_unread: true,
      labels: ['UNREAD', 'INBOX'],
      body_truncated: false,
    });
    expect(first?.body).toContain('Revenue grew 12 % — details inside.');
    expect(second?.body).toContain('Tom & Jerry mugs: €5');
    expect(third?.subject).toBe('Réunion à Zürich – ordre du jour');
    expect(fourth?.body).toBe('The total is €120 – due “next week”… Thanks!');
    expect(fourth?.from_name).toBe('Legacy Client');
  });

  it('searches the unread inbox with the caller words quoted, and pages', async () => {
    mailbox.fake.nextPageToken = 'page-2';
    const page = await listUnread(mailbox.gmail, { query: 'x OR is:read', page_token: 'page-1', limit: 5 });
    const list = mailbox.fake.requests.find((request) => request.path === '/gmail/v1/users/me/messages');
    expect(list?.query.get('q')).toBe('is:unread in:inbox "x" "OR" "is:read"');
    expect(list?.query.get('pageToken')).toBe('page-1');
    expect(list?.query.get('maxResults')).toBe('5');
    expect(page).toEqual({ emails: [], next_page_token: 'page-2' });
  });

  it('defaults to 10 emails and caps the limit at 100', async () => {
    await listUnread(mailbox.gmail, {});
    await listUnread(mailbox.gmail, { limit: 1000 });
    const limits = mailbox.fake.requests
      .filter((request) => request.path.endsWith('/messages'))
      .map((request) => request.query.get('maxResults'));
    expect(limits).toEqual(['10', '100']);
  });

  it('shares a body budget across the page and says when a body was cut', async () => {
    const long = `${'word '.repeat(3000)}🎉`;
    const raw = await composeMessage({ to: ['bob@example.com'], subject: 'Long', body: long });
    for (let i = 0; i < 20; i++) store(mailbox.fake, { id: `l${i}`, raw });
    const page = await listUnread(mailbox.gmail, { limit: 20 });
    for (const email of page.emails) {
      expect(email.body.length).toBeLessThanOrEqual(3000); // 60,000 / 20
      expect(email.body_truncated).toBe(true);
    }
    const one = await listUnread(mailbox.gmail, { limit: 1 });
    expect(one.emails[0]?.body.length).toBeLessThanOrEqual(4000);
  });

  it('skips a message deleted between the list and the fetch', async () => {
    store(mailbox.fake, { id: 'a', raw: fixture('reply-to.eml') });
    store(mailbox.fake, { id: 'b', raw: fixture('reply-to.eml') });
    mailbox.fake.listIds = ['a', 'gone', 'b'];
    const page = await listUnread(mailbox.gmail, {});
    expect(page.emails.map((email) => email.message_id)).toEqual(['a', 'b']);
  });

  it('without bodies asks for metadata only and still fills the fields', async () => {
    const raw = Buffer.from(
      'From: =?UTF-8?Q?Zo=C3=AB?= <zoe@example.com>\r\nTo: bob@example.com\r\nSubject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?=\r\n\r\nBody\r\n',
    );
    store(mailbox.fake, { id: 'meta', raw, labelIds: ['INBOX'], internalDate: '1762000000000' });
    const page = await listUnread(mailbox.gmail, { include_body: false });
    const get = gets()[0];
    expect(get?.query.get('format')).toBe('metadata');
    expect(get?.query.getAll('metadataHeaders')).toEqual(['From', 'To', 'Cc', 'Subject', 'Date']);
    expect(page.emails[0]).toMatchObject({
      from_email: 'zoe@example.com',
      from_name: 'Zoë',
      to: ['bob@example.com'],
      subject: 'Grüße',
      body: '',
      body_truncated: false,
      // No Date header: the received time instead.
      date: new Date(1762000000000).toISOString(),
      is_unread: false,
    });
  });

  it('falls back to the address when the sender gave no name', async () => {
    const raw = Buffer.from(
      fixture('reply-to.eml').toString().replace('Support Bot <noreply@service.example>', 'noreply@service.example'),
    );
    store(mailbox.fake, { id: 'x', raw });
    const page = await listUnread(mailbox.gmail, {});
    expect(page.emails[0]?.from_name).toBe('noreply@service.example');
  });
});

describe('sendEmail', () => {
  it('sends a small message as JSON raw, with Bcc kept for Gmail to deliver', async () => {
    const sent = await sendEmail(mailbox.gmail, {
      to: ['Ana <ana@example.com>'],
      cc: 'carl@example.com',
      bcc: 'hidden@example.com',
      subject: 'Grüße',
      body: 'Hallo',
    });
    expect(sent.message_id).toMatch(/^sent-/);
    expect(sent.thread_id).toMatch(/^thread-/);
    const [message] = mailbox.fake.sent;
    expect(message?.upload).toBe(false);
    const mail = await PostalMime.parse(message?.raw ?? Buffer.alloc(0));
    expect(mail.bcc).toEqual([{ name: '', address: 'hidden@example.com' }]);
    expect(mail.cc).toEqual([{ name: '', address: 'carl@example.com' }]);
    expect(mail.subject).toBe('Grüße');
  });

  it('sends a large message through the upload endpoint of the configured host, bytes intact', async () => {
    const bytes = Buffer.alloc(UPLOAD_THRESHOLD_BYTES, 7);
    await sendEmail(mailbox.gmail, {
      to: 'ana@example.com',
      subject: 'Big',
      body: 'See attachment',
      attachments: [{ filename: 'big.bin', content_type: 'application/octet-stream', data: bytes.toString('base64') }],
    });
    const [message] = mailbox.fake.sent;
    expect(message?.upload).toBe(true);
    expect(message?.uploadType).toBe('media');
    const mail = await PostalMime.parse(message?.raw ?? Buffer.alloc(0));
    expect(Buffer.from(mail.attachments[0]?.content as ArrayBuffer).equals(bytes)).toBe(true);
  });

  it('uploads a large reply as multipart, keeping its thread', async () => {
    const raw = await composeMessage({ to: ['ana@example.com'], subject: 'Re: Big', body: '会'.repeat(400_000) });
    expect(raw.length).toBeGreaterThan(UPLOAD_THRESHOLD_BYTES);
    const sent = await sendRaw(mailbox.gmail, raw, 'thread-9');
    expect(sent.thread_id).toBe('thread-9');
    expect(mailbox.fake.sent[0]).toMatchObject({ upload: true, uploadType: 'multipart', threadId: 'thread-9' });
    expect(mailbox.fake.sent[0]?.raw.equals(raw)).toBe(true);
  });

  it('is never retried, even on a 503', async () => {
    mailbox.fake.intercept = (request) =>
      request.method === 'POST' ? googleError(503, 'Backend Error', 'backendError') : undefined;
    await expect(sendEmail(mailbox.gmail, { to: 'ana@example.com', subject: 'x', body: 'y' })).rejects.toMatchObject({
      kind: 'upstream_error',
    });
    expect(mailbox.fake.requests).toHaveLength(1);
  });
});

describe('reads are retried by policy', () => {
  it('retries a 503 and a rate-limit 403, then succeeds', async () => {
    const failures = [
      googleError(503, 'Backend Error', 'backendError'),
      googleError(403, 'User-rate limit exceeded', 'userRateLimitExceeded'),
    ];
    mailbox.fake.intercept = (request) => (request.path.endsWith('/messages') ? failures.shift() : undefined);
    await expect(listUnread(mailbox.gmail, {})).resolves.toEqual({ emails: [], next_page_token: null });
    expect(mailbox.fake.requests.filter((request) => request.path.endsWith('/messages'))).toHaveLength(3);
  });

  it('does not retry a 400', async () => {
    mailbox.fake.intercept = () => googleError(400, 'Invalid pageToken', 'invalid');
    await expect(listUnread(mailbox.gmail, { page_token: 'bad' })).rejects.toMatchObject({
      kind: 'invalid_request',
      message: 'Gmail refused the request: Invalid pageToken',
    });
    expect(mailbox.fake.requests).toHaveLength(1);
  });
});

describe('the operation deadline', () => {
  it('aborts calls still running when it passes, without retrying them', async () => {
    store(mailbox.fake, { id: 'slow', raw: fixture('reply-to.eml') });
    mailbox.fake.getDelayMs = 2_000;
    const started = Date.now();
    await expect(listUnread(mailbox.gmail, {}, { signal: deadlineSignal(200) })).rejects.toMatchObject({
      kind: 'upstream_error',
      message: 'Gmail did not answer in time; try again.',
    });
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(gets()).toHaveLength(1);
  });
});

describe('replyToEmail', () => {
  it('answers a message by id inside its thread with the whole References chain', async () => {
    store(mailbox.fake, { id: 'orig', threadId: 'thread-budget', raw: fixture('reply-chain.eml') });
    const reply = await replyToEmail(mailbox.gmail, { message_id: 'orig', body: 'Frozen. 🎉' });

    expect(reply).toMatchObject({
      thread_id: 'thread-budget',
      to: ['Carol White <carol@example.net>'],
      subject: 'RE: Budget 2027',
      in_reply_to: 'orig',
    });
    const [message] = mailbox.fake.sent;
    expect(message?.threadId).toBe('thread-budget');
    const mail = await PostalMime.parse(message?.raw ?? Buffer.alloc(0));
    expect(mail.inReplyTo).toBe('<msg-3@example.net>');
    expect(mail.references).toBe('<msg-1@example.net> <msg-2@example.com> <msg-3@example.net>');
    expect(mail.subject).toBe('RE: Budget 2027');
    expect(mail.text?.trim()).toBe('Frozen. 🎉');
    // Not a reply-all: no need to know who the user is.
    expect(mailbox.fake.requests.some((request) => request.path.endsWith('/profile'))).toBe(false);
  });

  it('reply-all reads the user from the profile and leaves them out', async () => {
    store(mailbox.fake, { id: 'orig', raw: fixture('reply-to.eml') });
    const reply = await replyToEmail(mailbox.gmail, { message_id: 'orig', body: 'Thanks', reply_all: true });
    expect(reply.to).toEqual(['Help Desk <help@service.example>', 'Erin <erin@example.com>', 'ops@service.example']);
    expect(reply.subject).toBe('Re: Ticket #4521 updated');
    const mail = await PostalMime.parse(mailbox.fake.sent[0]?.raw ?? Buffer.alloc(0));
    expect(mail.to?.map((entry) => entry.address)).toEqual(['help@service.example', 'erin@example.com']);
    expect(mail.cc?.map((entry) => entry.address)).toEqual(['ops@service.example']);
  });

  it("answers a thread's latest message the user did not send, ignoring drafts", async () => {
    const other = fixture('reply-to.eml');
    store(mailbox.fake, { id: 'old', threadId: 'T', internalDate: '1000', raw: other, labelIds: ['INBOX'] });
    store(mailbox.fake, {
      id: 'theirs',
      threadId: 'T',
      internalDate: '2000',
      raw: fixture('reply-chain.eml'),
      labelIds: ['INBOX'],
    });
    store(mailbox.fake, { id: 'mine', threadId: 'T', internalDate: '3000', raw: other, labelIds: ['SENT'] });
    store(mailbox.fake, { id: 'draft', threadId: 'T', internalDate: '4000', raw: other, labelIds: ['DRAFT'] });
    const reply = await replyToEmail(mailbox.gmail, { thread_id: 'T', body: 'ok' });
    expect(reply.in_reply_to).toBe('theirs');
    expect(reply.thread_id).toBe('T');
  });

  it('answers the newest mail from a sender found by a quoted search', async () => {
    store(mailbox.fake, { id: 'from-carol', raw: fixture('reply-chain.eml') });
    const reply = await replyToEmail(mailbox.gmail, { sender_email: 'carol@example.net', body: 'ok' });
    const search = mailbox.fake.requests.find((request) => request.path.endsWith('/messages'));
    expect(search?.query.get('q')).toBe('from:"carol@example.net"');
    expect(search?.query.get('maxResults')).toBe('1');
    expect(reply.in_reply_to).toBe('from-carol');
  });

  it('says what was not found', async () => {
    await expect(replyToEmail(mailbox.gmail, { sender_email: 'bob@example.com', body: 'x' })).rejects.toMatchObject({
      kind: 'not_found',
      message: 'No email from bob@example.com found',
    });
    await expect(replyToEmail(mailbox.gmail, { message_id: 'missing', body: 'x' })).rejects.toMatchObject({
      kind: 'not_found',
      message: 'No email with message_id missing found',
    });
    await expect(replyToEmail(mailbox.gmail, { thread_id: 'nothread', body: 'x' })).rejects.toMatchObject({
      kind: 'not_found',
      message: 'No thread with thread_id nothread found',
    });
    expect(mailbox.fake.sent).toHaveLength(0);
  });
});
