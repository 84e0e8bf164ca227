import { describe, expect, it } from 'vitest';
import { mail, multipartBody } from '../../support/hostile-mail.ts';
import { failureOf, fromRaw, gmailFor, plainMail, useEmulator } from './support.ts';

/** Reading mail through the official @googleapis/gmail client. */

let token: string;
const google = useEmulator(async (control) => {
  ({ token } = await control.createUser({ email: 'reader@example.com' }));
});

const client = () => gmailFor(google.url, { access_token: token });

async function seed(source: string, extra: { labelIds?: string[]; internalDate?: number } = {}) {
  return google.control.seedMessage({ email: 'reader@example.com', raw: source, ...extra });
}

describe('messages.list', () => {
  it('returns the messages matching q, newest first by internalDate', async () => {
    const old = await seed(plainMail({ from: 'Alice <alice@example.com>', to: 'reader@example.com', subject: 'Old' }), {
      internalDate: 1_000,
    });
    await seed(plainMail({ from: 'Bob <bob@example.org>', to: 'reader@example.com', subject: 'From Bob' }), {
      internalDate: 2_000,
    });
    const recent = await seed(
      plainMail({ from: 'Alice <alice@example.com>', to: 'reader@example.com', subject: 'New' }),
      {
        internalDate: 3_000,
      },
    );
    await seed(plainMail({ from: 'Alice <alice@example.com>', to: 'reader@example.com', subject: 'Read' }), {
      labelIds: ['INBOX'],
      internalDate: 4_000,
    });

    const { data } = await client().users.messages.list({ userId: 'me', q: 'is:unread from:alice' });

    expect(data.messages).toEqual([
      { id: recent.id, threadId: recent.threadId },
      { id: old.id, threadId: old.threadId },
    ]);
    expect(data.resultSizeEstimate).toBe(2);
  });

  it('pages with maxResults and nextPageToken', async () => {
    for (let i = 1; i <= 5; i += 1) {
      await seed(plainMail({ from: 'a@example.com', to: 'reader@example.com', subject: `n${i}` }), {
        internalDate: i * 1000,
      });
    }
    const first = await client().users.messages.list({ userId: 'me', maxResults: 2 });
    const second = await client().users.messages.list({
      userId: 'me',
      maxResults: 2,
      pageToken: first.data.nextPageToken ?? '',
    });
    const last = await client().users.messages.list({
      userId: 'me',
      maxResults: 2,
      pageToken: second.data.nextPageToken ?? '',
    });

    const ids = [first, second, last].flatMap((page) => page.data.messages?.map((m) => m.id) ?? []);
    expect(new Set(ids).size).toBe(5);
    expect(last.data.nextPageToken).toBeUndefined();
  });

  it('filters by repeated labelIds and leaves messages out entirely when none match', async () => {
    const starred = await seed(plainMail({ from: 'a@example.com', to: 'reader@example.com', subject: 's' }), {
      labelIds: ['INBOX', 'STARRED'],
    });
    await seed(plainMail({ from: 'a@example.com', to: 'reader@example.com', subject: 'u' }));

    const both = await client().users.messages.list({ userId: 'me', labelIds: ['INBOX', 'STARRED'] });
    const none = await client().users.messages.list({ userId: 'me', q: 'subject:nothing-like-this' });

    expect(both.data.messages?.map((m) => m.id)).toEqual([starred.id]);
    expect(none.data).toEqual({ resultSizeEstimate: 0 });
  });

  it('hides spam and trash unless includeSpamTrash is set', async () => {
    const spam = await seed(plainMail({ from: 'x@spam.example', to: 'reader@example.com', subject: 'win' }), {
      labelIds: ['SPAM'],
    });

    const hidden = await client().users.messages.list({ userId: 'me' });
    const shown = await client().users.messages.list({ userId: 'me', includeSpamTrash: true });

    expect(hidden.data.messages).toBeUndefined();
    expect(shown.data.messages?.map((m) => m.id)).toEqual([spam.id]);
  });
});

describe('messages.get', () => {
  it('returns the exact source bytes in format=raw, 8-bit bodies included', async () => {
    const source = Buffer.concat([
      Buffer.from(
        'From: a@example.com\r\nTo: reader@example.com\r\nSubject: latin\r\nContent-Type: text/plain; charset=ISO-8859-1\r\n\r\n',
      ),
      Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0d, 0x0a]),
    ]);
    const { id } = await google.control.seedMessage({
      email: 'reader@example.com',
      rawBase64: source.toString('base64'),
    });

    const { data } = await client().users.messages.get({ userId: 'me', id, format: 'raw' });

    expect(fromRaw(data.raw).equals(source)).toBe(true);
    expect(data).toMatchObject({ id, labelIds: ['INBOX', 'UNREAD'], snippet: 'café', sizeEstimate: source.length });
    expect(data.payload).toBeUndefined();
  });

  it('returns only the named headers in format=metadata, RFC 2047 words decoded', async () => {
    const { id } = await seed(
      plainMail({
        from: '=?UTF-8?B?Sm9zw6kgR2FyY8OtYQ==?= <jose@example.es>',
        to: 'reader@example.com',
        subject: '=?ISO-8859-1?Q?Reuni=F3n_ma=F1ana?=',
        messageId: '<m1@example.es>',
      }),
    );

    const { data } = await client().users.messages.get({
      userId: 'me',
      id,
      format: 'metadata',
      metadataHeaders: ['From', 'Subject'],
    });

    expect(data.payload?.headers).toEqual([
      { name: 'From', value: 'José García <jose@example.es>' },
      { name: 'Subject', value: 'Reunión mañana' },
    ]);
    expect(data.raw).toBeUndefined();
  });

  it('returns a part tree with decoded bodies in format=full, attachments fetched by id', async () => {
    const source = [
      'From: Bob <bob@example.org>',
      'To: reader@example.com',
      'Subject: Report',
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="mix"',
      '',
      '--mix',
      'Content-Type: multipart/alternative; boundary="alt"',
      '',
      '--alt',
      'Content-Type: text/plain; charset=UTF-8',
      'Content-Transfer-Encoding: quoted-printable',
      '',
      'Section 2 is =E2=9C=93',
      '--alt',
      'Content-Type: text/html; charset=UTF-8',
      '',
      '<p>Section 2 is &#10003;</p>',
      '--alt--',
      '--mix',
      'Content-Type: application/pdf; name="report.pdf"',
      'Content-Disposition: attachment; filename="report.pdf"',
      'Content-Transfer-Encoding: base64',
      '',
      Buffer.from('%PDF-1.4 fake').toString('base64'),
      '--mix--',
      '',
    ].join('\r\n');
    const { id } = await seed(source);

    const { data } = await client().users.messages.get({ userId: 'me', id });
    const [body, attachment] = data.payload?.parts ?? [];
    const [text, html] = body?.parts ?? [];

    expect(data.payload).toMatchObject({ partId: '', mimeType: 'multipart/mixed' });
    expect(data.payload?.headers).toContainEqual({ name: 'Subject', value: 'Report' });
    expect(body).toMatchObject({ partId: '0', mimeType: 'multipart/alternative' });
    expect(text).toMatchObject({ partId: '0.0', mimeType: 'text/plain' });
    expect(fromRaw(text?.body?.data).toString('utf8').trimEnd()).toBe('Section 2 is ✓');
    expect(fromRaw(html?.body?.data).toString('utf8')).toContain('<p>Section 2 is &#10003;</p>');
    expect(attachment).toMatchObject({ partId: '1', mimeType: 'application/pdf', filename: 'report.pdf' });

    const fetched = await client().users.messages.attachments.get({
      userId: 'me',
      messageId: id,
      id: attachment?.body?.attachmentId ?? '',
    });
    expect(fromRaw(fetched.data.data).toString()).toBe('%PDF-1.4 fake');
  });

  it('serves a small part marked Content-Disposition: attachment without a file name by id, an inline one as data', async () => {
    const body = multipartBody('mix', [
      { headers: ['Content-Type: text/plain', 'Content-Disposition: inline'], content: 'See the log.' },
      { headers: ['Content-Type: text/plain', 'Content-Disposition: ATTACHMENT'], content: 'log line 1' },
    ]);
    const { id } = await seed(mail(['Subject: Log', 'Content-Type: multipart/mixed; boundary="mix"'], body));

    const { data } = await client().users.messages.get({ userId: 'me', id });
    const [inline, attached] = data.payload?.parts ?? [];

    expect(inline?.body).toMatchObject({ data: expect.any(String) });
    expect(inline?.body?.attachmentId).toBeUndefined();
    expect(attached).toMatchObject({ filename: '', body: { attachmentId: expect.any(String) } });
    expect(attached?.body?.data).toBeUndefined();
  });

  it('answers an unknown id with Google-shaped 404', async () => {
    const failure = await failureOf(client().users.messages.get({ userId: 'me', id: '0123456789abcdef' }));

    expect(failure.status).toBe(404);
    expect(failure.data).toMatchObject({
      error: { code: 404, message: 'Requested entity was not found.', status: 'NOT_FOUND' },
    });
  });
});

describe('messages.modify, threads.get and profile', () => {
  it('marks a message read so is:unread no longer finds it', async () => {
    const { id } = await seed(plainMail({ from: 'a@example.com', to: 'reader@example.com', subject: 'x' }));

    const { data } = await client().users.messages.modify({
      userId: 'me',
      id,
      requestBody: { removeLabelIds: ['UNREAD'] },
    });
    const unread = await client().users.messages.list({ userId: 'me', q: 'is:unread' });

    expect(data.labelIds).toEqual(['INBOX']);
    expect(unread.data.messages).toBeUndefined();
  });

  it('threads a seeded reply by References and lists the thread oldest first', async () => {
    const first = await seed(
      plainMail({ from: 'a@example.com', to: 'reader@example.com', subject: 'Plan', messageId: '<plan@example.com>' }),
      { internalDate: 1_000 },
    );
    const reply = await seed(
      plainMail({
        from: 'b@example.com',
        to: 'reader@example.com',
        subject: 'Re: Plan',
        messageId: '<reply@example.com>',
        extraHeaders: ['In-Reply-To: <plan@example.com>', 'References: <plan@example.com>'],
      }),
      { internalDate: 2_000 },
    );

    const { data } = await client().users.threads.get({ userId: 'me', id: first.threadId, format: 'metadata' });

    expect(reply.threadId).toBe(first.threadId);
    expect(data.messages?.map((m) => m.id)).toEqual([first.id, reply.id]);
  });

  it('counts messages and threads in the profile', async () => {
    await seed(plainMail({ from: 'a@example.com', to: 'reader@example.com', subject: 'one', messageId: '<one@x>' }));
    await seed(
      plainMail({
        from: 'a@example.com',
        to: 'reader@example.com',
        subject: 'Re: one',
        extraHeaders: ['References: <one@x>'],
      }),
    );

    const { data } = await client().users.getProfile({ userId: 'me' });

    expect(data).toMatchObject({ emailAddress: 'reader@example.com', messagesTotal: 2, threadsTotal: 1 });
  });
});
