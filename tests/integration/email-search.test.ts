import { gmail } from '@googleapis/gmail';
import { OAuth2Client } from 'google-auth-library';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { emulator, newUser, post, rfc822 } from '../support/api.ts';

/** The official Gmail client against the test emulator, for setup the broker does not offer. */
function gmailAs(token: string) {
  const auth = new OAuth2Client();
  auth.setCredentials({ access_token: token });
  return gmail({ version: 'v1', auth, rootUrl: `${inject('emulatorUrl')}/` });
}

const withAttachment = (from: string, to: string, subject: string) =>
  rfc822([
    `From: ${from}`,
    `To: ${to}`,
    `Subject: ${subject}`,
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="b1"',
    '',
    '--b1',
    'Content-Type: text/plain; charset=UTF-8',
    '',
    'Invoice attached.',
    '--b1',
    'Content-Type: application/pdf; name="invoice.pdf"',
    'Content-Disposition: attachment; filename="invoice.pdf"',
    'Content-Transfer-Encoding: base64',
    '',
    Buffer.from('%PDF-1.4 fake').toString('base64'),
    '--b1--',
  ]);

describe('POST /api/email/search', () => {
  let user: Awaited<ReturnType<typeof newUser>>;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    user = await newUser();
    const plain = (from: string, subject: string, body: string, extra: string[] = []) =>
      rfc822([`From: ${from}`, `To: ${user.email}`, ...extra, `Subject: ${subject}`, '', body]);
    const seed = async (name: string, raw: string, labelIds: string[], day: number) => {
      const seeded = await emulator.seedMessage({
        email: user.email,
        raw,
        labelIds,
        internalDate: Date.UTC(2026, 10, day, 12),
      });
      ids[name] = seeded.id;
    };
    await seed(
      'report',
      plain('Alice Chen <alice@example.com>', 'Quarterly report draft', 'Please review section 2 by Friday.'),
      ['INBOX', 'UNREAD'],
      2,
    );
    await seed(
      'lunch',
      plain('Bob <bob@example.org>', 'Lunch planning', 'Pizza or sushi?', ['Cc: carol@example.net']),
      ['INBOX', 'STARRED'],
      5,
    );
    await seed(
      'invoice',
      withAttachment('Alice Chen <alice@example.com>', user.email, 'Invoice 42'),
      ['INBOX', 'UNREAD'],
      10,
    );
    await seed('newsletter', plain('dave@example.com', 'Newsletter', 'Planning ahead for 2027.'), [], 12);
    await seed('spam', plain('alice@example.com', 'Quarterly prize', 'You won.'), ['SPAM'], 13);
    const client = gmailAs(user.token);
    const { data: label } = await client.users.labels.create({ userId: 'me', requestBody: { name: 'Receipts' } });
    await client.users.messages.modify({
      userId: 'me',
      id: ids.newsletter ?? '',
      requestBody: { addLabelIds: [label.id ?? ''] },
    });
  });

  const search = async (query: string, extra: object = {}) => {
    const answer = await post('/api/email/search', { token: user.token, body: { query, limit: 50, ...extra } });
    expect(answer.status, answer.text).toBe(200);
    return answer.json;
  };

  it.each([
    ['from:alice', ['invoice', 'report']],
    ['from:alice has:attachment', ['invoice']],
    ['is:unread', ['invoice', 'report']],
    ['is:read in:inbox', ['lunch']],
    ['is:starred', ['lunch']],
    ['subject:"report draft"', ['report']],
    ['"review section 2"', ['report']],
    ['planning', ['newsletter', 'lunch']],
    ['plan', []],
    ['from:alice OR from:bob', ['invoice', 'lunch', 'report']],
    ['in:inbox -from:alice', ['lunch']],
    ['after:2026/11/04 before:2026/11/11', ['invoice', 'lunch']],
    ['label:receipts', ['newsletter']],
    ['to:carol', ['lunch']],
    ['in:spam', ['spam']],
    ['', ['newsletter', 'invoice', 'lunch', 'report']],
  ])('"%s" finds exactly what Gmail would, newest first', async (query, expected) => {
    const answer = await search(query);
    expect(answer.emails.map((email: { message_id: string }) => email.message_id)).toEqual(
      expected.map((name) => ids[name]),
    );
    expect(answer.count).toBe(expected.length);
  });

  it('answers the unread email shape plus has_attachments, with readable bodies', async () => {
    const answer = await search('from:alice');
    const [invoice, report] = answer.emails;
    expect(invoice).toMatchObject({
      from_email: 'alice@example.com',
      from_name: 'Alice Chen',
      subject: 'Invoice 42',
      has_attachments: true,
      is_unread: true,
      body: 'Invoice attached.',
    });
    expect(report).toMatchObject({ has_attachments: false, body: 'Please review section 2 by Friday.' });
    const bare = await search('from:alice', { include_body: false });
    expect(bare.emails[0]).toMatchObject({ body: '', has_attachments: true, subject: 'Invoice 42' });
  });

  it('pages with next_page_token', async () => {
    const first = await search('', { limit: 3 });
    expect(first.count).toBe(3);
    expect(first.next_page_token).toEqual(expect.any(String));
    const second = await search('', { limit: 3, page_token: first.next_page_token });
    expect(second.emails.map((email: { message_id: string }) => email.message_id)).toEqual([ids.report]);
    expect(second.next_page_token).toBeNull();
  });

  it('refuses bad input with 400 and a token without a read scope with 403 naming gmail.readonly', async () => {
    const tooMany = await post('/api/email/search', { token: user.token, body: { query: 'x', limit: 500 } });
    expect(tooMany.status).toBe(400);
    const control = await post('/api/email/search', { token: user.token, body: { query: 'a\u0000b' } });
    expect(control.status).toBe(400);
    const sendOnly = await newUser({ scopes: ['gmail.send'] });
    const denied = await post('/api/email/search', { token: sendOnly.token, body: { query: 'x' } });
    expect(denied.status).toBe(403);
    expect(denied.json.error.message).toContain('https://www.googleapis.com/auth/gmail.readonly');
  });
});
