import { describe, expect, it } from 'vitest';
import { emulator, newUser, post, rfc822 } from '../support/api.ts';

const ALTERNATIVE_WITH_ATTACHMENT = rfc822([
  'From: "Müller, Jörg" <joerg@example.de>',
  'To: someone@example.com',
  'Subject: Quarterly numbers',
  'Date: Tue, 03 Nov 2026 10:00:00 +0100',
  'Message-ID: <q3@example.de>',
  'MIME-Version: 1.0',
  'Content-Type: multipart/mixed; boundary="outer"',
  '',
  '--outer',
  'Content-Type: multipart/alternative; boundary="inner"',
  '',
  '--inner',
  'Content-Type: text/plain; charset=UTF-8',
  'Content-Transfer-Encoding: 8bit',
  '',
  'Plain numbers: revenue up 12 %.',
  '--inner',
  'Content-Type: text/html; charset=UTF-8',
  '',
  '<p>HTML numbers: <b>revenue up 12 %</b>.</p>',
  '--inner--',
  '--outer',
  'Content-Type: application/pdf; name="q3.pdf"',
  'Content-Disposition: attachment; filename="q3.pdf"',
  'Content-Transfer-Encoding: base64',
  '',
  'JVBERi0xLjQK',
  '--outer--',
]);

const HTML_ONLY = rfc822([
  'From: News <news@example.org>',
  'To: someone@example.com',
  'Subject: Weekly digest',
  'Date: Wed, 04 Nov 2026 08:00:00 +0000',
  'Message-ID: <digest@example.org>',
  'MIME-Version: 1.0',
  'Content-Type: text/html; charset=UTF-8',
  '',
  '<html><head><style>p{color:red}</style><script>alert(1)</script></head>',
  '<body><h1>Digest</h1><p>First&nbsp;item &amp; more</p><p>Second <a href="https://example.org/2">item</a></p></body></html>',
]);

const LATIN1_QP = rfc822([
  'From: =?ISO-8859-1?Q?Fran=E7ois_D=E9sir=E9?= <francois@example.fr>',
  'To: someone@example.com',
  'Subject: =?ISO-8859-1?Q?R=E9union_=E0_No=EBl?=',
  'Date: Thu, 05 Nov 2026 12:00:00 +0100',
  'Message-ID: <noel@example.fr>',
  'MIME-Version: 1.0',
  'Content-Type: text/plain; charset=ISO-8859-1',
  'Content-Transfer-Encoding: quoted-printable',
  '',
  'La r=E9union de No=EBl aura lieu =E0 la salle =AB Cr=E9ation =BB.',
]);

function plain(subject: string, from = 'Sender <sender@example.com>', date = 'Fri, 06 Nov 2026 09:00:00 +0000') {
  return rfc822([
    `From: ${from}`,
    'To: someone@example.com',
    'Cc: Copy Reader <copy@example.com>',
    `Subject: ${subject}`,
    `Date: ${date}`,
    'Content-Type: text/plain; charset=UTF-8',
    '',
    `Body of ${subject}`,
  ]);
}

describe('POST /api/email/unread', () => {
  it('reads bodies right for multipart/mixed(alternative), HTML-only and ISO-8859-1 quoted-printable mail', async () => {
    const user = await newUser();
    for (const raw of [ALTERNATIVE_WITH_ATTACHMENT, HTML_ONLY, LATIN1_QP])
      await emulator.seedMessage({ email: user.email, raw });
    const answer = await post('/api/email/unread', { token: user.token, body: { limit: 10 } });
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ success: true, count: 3 });
    const bySubject = Object.fromEntries(
      answer.json.emails.map((email: { subject: string }) => [email.subject, email]),
    );

    const numbers = bySubject['Quarterly numbers'];
    expect(numbers.body.trim()).toBe('Plain numbers: revenue up 12 %.');
    expect(numbers).toMatchObject({ from_email: 'joerg@example.de', from_name: 'Müller, Jörg', is_unread: true });
    expect(numbers.labels).toEqual(expect.arrayContaining(['INBOX', 'UNREAD']));

    const digest = bySubject['Weekly digest'];
    expect(digest.body).toContain('Digest');
    expect(digest.body).toContain('First item & more');
    expect(digest.body).toContain('https://example.org/2');
    expect(digest.body).not.toMatch(/<|alert\(1\)|color:red/);

    const noel = bySubject['Réunion à Noël'];
    expect(noel.body.trim()).toBe('La réunion de Noël aura lieu à la salle « Création ».');
    expect(noel.from_name).toBe('François Désiré');
  });

  it('returns the original fields plus thread_id, to and snippet', async () => {
    const user = await newUser();
    const seeded = await emulator.seedMessage({ email: user.email, raw: plain('Fields') });
    const answer = await post('/api/email/unread', { token: user.token, body: {} });
    expect(answer.json.emails[0]).toMatchObject({
      message_id: seeded.id,
      thread_id: seeded.threadId,
      from_email: 'sender@example.com',
      from_name: 'Sender',
      to: ['someone@example.com'],
      cc: ['Copy Reader <copy@example.com>'],
      subject: 'Fields',
      body: expect.stringContaining('Body of Fields'),
      snippet: expect.stringContaining('Body of Fields'),
      date: expect.any(String),
      is_unread: true,
    });
  });

  it('pages with limit and next_page_token, newest first, without repeats', async () => {
    const user = await newUser();
    for (let day = 1; day <= 5; day += 1) {
      await emulator.seedMessage({
        email: user.email,
        raw: plain(`Mail ${day}`, undefined, `Sun, 0${day} Nov 2026 09:00:00 +0000`),
        internalDate: Date.UTC(2026, 10, day),
      });
    }
    const first = await post('/api/email/unread', { token: user.token, body: { limit: 2 } });
    expect(first.json.emails.map((email: { subject: string }) => email.subject)).toEqual(['Mail 5', 'Mail 4']);
    expect(first.json.next_page_token).toEqual(expect.any(String));
    const second = await post('/api/email/unread', {
      token: user.token,
      body: { limit: 2, page_token: first.json.next_page_token },
    });
    expect(second.json.emails.map((email: { subject: string }) => email.subject)).toEqual(['Mail 3', 'Mail 2']);
    const third = await post('/api/email/unread', {
      token: user.token,
      body: { limit: 2, page_token: second.json.next_page_token },
    });
    expect(third.json.emails.map((email: { subject: string }) => email.subject)).toEqual(['Mail 1']);
    expect(third.json.next_page_token).toBeNull();
  });

  it('leaves out read mail and mail outside the inbox', async () => {
    const user = await newUser();
    await emulator.seedMessage({ email: user.email, raw: plain('Unread one') });
    await emulator.seedMessage({ email: user.email, raw: plain('Already read'), labelIds: ['INBOX'] });
    await emulator.seedMessage({ email: user.email, raw: plain('Archived'), labelIds: ['UNREAD'] });
    const answer = await post('/api/email/unread', { token: user.token, body: {} });
    expect(answer.json.emails.map((email: { subject: string }) => email.subject)).toEqual(['Unread one']);
  });

  it('narrows by query words without letting them act as search operators', async () => {
    const user = await newUser();
    await emulator.seedMessage({ email: user.email, raw: plain('Invoice March') });
    await emulator.seedMessage({ email: user.email, raw: plain('Lunch plans') });
    await emulator.seedMessage({ email: user.email, raw: plain('Read invoice'), labelIds: ['INBOX'] });
    const narrowed = await post('/api/email/unread', { token: user.token, body: { query: 'invoice' } });
    expect(narrowed.json.emails.map((email: { subject: string }) => email.subject)).toEqual(['Invoice March']);
    for (const query of [
      'invoice OR is:read',
      'x OR in:anywhere',
      '"" OR is:read',
      'in:anywhere',
      '-is:unread',
      '{is:read}',
    ]) {
      const answer = await post('/api/email/unread', { token: user.token, body: { query } });
      expect(answer.status).toBe(200);
      const subjects = answer.json.emails.map((email: { subject: string }) => email.subject);
      expect(subjects).not.toContain('Read invoice');
      expect(subjects).not.toContain('Lunch plans');
    }
  });

  it('omits bodies when include_body is false', async () => {
    const user = await newUser();
    await emulator.seedMessage({ email: user.email, raw: plain('No body please') });
    const answer = await post('/api/email/unread', { token: user.token, body: { include_body: false } });
    expect(answer.json.emails[0]).toMatchObject({
      subject: 'No body please',
      body: '',
      from_email: 'sender@example.com',
      cc: ['Copy Reader <copy@example.com>'],
    });
  });

  it("caps each body so a full page stays far under ChatGPT's 100,000-character limit", async () => {
    const user = await newUser();
    const long = rfc822([
      'From: a@example.com',
      'To: b@example.com',
      'Subject: Long',
      'Content-Type: text/plain; charset=UTF-8',
      '',
      'word '.repeat(40_000),
    ]);
    for (let i = 0; i < 30; i += 1) await emulator.seedMessage({ email: user.email, raw: long });
    const answer = await post('/api/email/unread', { token: user.token, body: { limit: 30 } });
    expect(answer.json.count).toBe(30);
    expect(answer.text.length).toBeLessThan(100_000);
    expect(answer.json.emails.every((email: { body_truncated: boolean }) => email.body_truncated)).toBe(true);
  });

  it("never shows one user another user's mail", async () => {
    const alice = await newUser();
    const bob = await newUser();
    await emulator.seedMessage({ email: alice.email, raw: plain('For Alice only') });
    await emulator.seedMessage({ email: bob.email, raw: plain('For Bob only') });
    const aliceView = await post('/api/email/unread', { token: alice.token, body: {} });
    const bobView = await post('/api/email/unread', { token: bob.token, body: {} });
    expect(aliceView.json.emails.map((email: { subject: string }) => email.subject)).toEqual(['For Alice only']);
    expect(bobView.json.emails.map((email: { subject: string }) => email.subject)).toEqual(['For Bob only']);
  });

  it.each([
    ['limit 0', { limit: 0 }],
    ['limit 101', { limit: 101 }],
    ['limit as text', { limit: 'ten' }],
    ['include_body as text', { include_body: 'yes' }],
  ])('refuses %s with a 400 naming the field', async (_name, body) => {
    const user = await newUser();
    const answer = await post('/api/email/unread', { token: user.token, body });
    expect(answer.status).toBe(400);
    expect(answer.json.error.details[0].field).toBe(Object.keys(body)[0]);
  });
});
