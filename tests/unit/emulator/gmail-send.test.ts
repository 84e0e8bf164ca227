import { describe, expect, it } from 'vitest';
import { failureOf, fromRaw, gmailFor, plainMail, toRaw, useEmulator } from './support.ts';

/** Sending through every path the official client uses, and delivery between users. */

const tokens: Record<string, string> = {};
const google = useEmulator(async (control) => {
  for (const name of ['alice', 'bob', 'dave']) {
    tokens[name] = (await control.createUser({ email: `${name}@example.com` })).token;
  }
});

const client = (name: string) => gmailFor(google.url, { access_token: tokens[name] ?? '' });

const memo = (extraHeaders: string[] = []) =>
  plainMail({
    from: 'Alice <alice@example.com>',
    to: 'Bob <bob@example.com>',
    subject: 'Budget',
    body: 'Numbers attached.',
    extraHeaders,
  });

describe('messages.send', () => {
  it('stores a SENT copy with a Message-ID added and logs the exact source sent', async () => {
    const source = memo();

    const { data } = await client('alice').users.messages.send({ userId: 'me', requestBody: { raw: toRaw(source) } });
    const stored = await client('alice').users.messages.get({ userId: 'me', id: data.id ?? '', format: 'raw' });
    const sent = await google.control.sent('alice@example.com');

    expect(data).toEqual({ id: expect.stringMatching(/^[0-9a-f]{16}$/), threadId: data.id, labelIds: ['SENT'] });
    expect(sent).toEqual([{ id: data.id, threadId: data.id, labelIds: ['SENT'], raw: source, uploadType: 'json' }]);
    const storedText = fromRaw(stored.data.raw).toString('utf8');
    expect(storedText).toMatch(/^Message-ID: <[^>]+@mail\.gmail\.com>\r\n/);
    expect(storedText.endsWith(source)).toBe(true);
  });

  it('delivers an unread INBOX copy to every recipient who is a user, without the Bcc header', async () => {
    const source = memo(['Cc: Carol <carol@elsewhere.example>', 'Bcc: dave@example.com']);

    await client('alice').users.messages.send({ userId: 'me', requestBody: { raw: toRaw(source) } });

    for (const name of ['bob', 'dave']) {
      const list = await client(name).users.messages.list({ userId: 'me', q: 'is:unread in:inbox subject:budget' });
      const [first] = list.data.messages ?? [];
      const copy = await client(name).users.messages.get({ userId: 'me', id: first?.id ?? '', format: 'raw' });
      const text = fromRaw(copy.data.raw).toString('utf8');
      expect(copy.data.labelIds).toEqual(['INBOX', 'UNREAD']);
      expect(text).toContain('Cc: Carol <carol@elsewhere.example>');
      expect(text).not.toMatch(/^Bcc:/im);
    }
    const aliceInbox = await client('alice').users.messages.list({ userId: 'me', q: 'in:inbox' });
    expect(aliceInbox.data.messages).toBeUndefined();
  });

  it('lets a user who writes to themself find the mail unread, in the thread of the sent copy', async () => {
    const source = plainMail({ from: 'alice@example.com', to: 'alice@example.com', subject: 'Note to self' });

    const { data } = await client('alice').users.messages.send({ userId: 'me', requestBody: { raw: toRaw(source) } });
    const unread = await client('alice').users.messages.list({ userId: 'me', q: 'is:unread' });

    expect(unread.data.messages).toHaveLength(1);
    expect(unread.data.messages?.[0]?.id).not.toBe(data.id);
    expect(unread.data.messages?.[0]?.threadId).toBe(data.threadId);
  });

  it('keeps the thread it is given when that thread exists, and starts a new one otherwise', async () => {
    const first = await client('alice').users.messages.send({ userId: 'me', requestBody: { raw: toRaw(memo()) } });

    const inThread = await client('alice').users.messages.send({
      userId: 'me',
      requestBody: { raw: toRaw(memo()), threadId: first.data.threadId ?? '' },
    });
    const unknownThread = await client('alice').users.messages.send({
      userId: 'me',
      requestBody: { raw: toRaw(memo()), threadId: 'ffffffffffffffff' },
    });

    expect(inThread.data.threadId).toBe(first.data.threadId);
    expect(unknownThread.data.threadId).toBe(unknownThread.data.id);
  });

  it('accepts a media upload (uploadType=media) with the source byte-exact', async () => {
    const source = memo();

    const { data } = await client('alice').users.messages.send(
      { userId: 'me', media: { mimeType: 'message/rfc822', body: source } },
      { rootUrl: `${google.url}/` },
    );
    const sent = await google.control.sent('alice@example.com');
    const requests = await google.control.requests();

    expect(data.labelIds).toEqual(['SENT']);
    expect(sent[0]).toMatchObject({ id: data.id, raw: source, uploadType: 'media' });
    expect(requests.at(-1)).toMatchObject({
      path: '/upload/gmail/v1/users/me/messages/send',
      query: { uploadType: 'media' },
    });
  });

  it('accepts a multipart upload with metadata naming the thread', async () => {
    const first = await client('alice').users.messages.send({ userId: 'me', requestBody: { raw: toRaw(memo()) } });
    const source = memo(['In-Reply-To: <x@example.com>']);

    const { data } = await client('alice').users.messages.send(
      {
        userId: 'me',
        requestBody: { threadId: first.data.threadId ?? '' },
        media: { mimeType: 'message/rfc822', body: source },
      },
      { rootUrl: `${google.url}/` },
    );
    const sent = await google.control.sent('alice@example.com');

    expect(data.threadId).toBe(first.data.threadId);
    expect(sent[1]).toMatchObject({ raw: source, uploadType: 'multipart' });
  });

  it('refuses raw that is not base64, or empty, with a Google-shaped 400', async () => {
    for (const raw of ['not base64!', '']) {
      const failure = await failureOf(client('alice').users.messages.send({ userId: 'me', requestBody: { raw } }));
      expect(failure.status).toBe(400);
      expect(failure.data).toMatchObject({
        error: {
          code: 400,
          message: expect.stringContaining('Invalid value for ByteString'),
          status: 'INVALID_ARGUMENT',
        },
      });
    }
    expect(await google.control.sent('alice@example.com')).toEqual([]);
  });

  it('refuses a message without recipients', async () => {
    const source = 'From: alice@example.com\r\nSubject: nobody\r\n\r\nhello\r\n';

    const failure = await failureOf(
      client('alice').users.messages.send({ userId: 'me', requestBody: { raw: toRaw(source) } }),
    );

    expect(failure.status).toBe(400);
    expect(failure.data).toMatchObject({ error: { message: 'Recipient address required' } });
  });
});
