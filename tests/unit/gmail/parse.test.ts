import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatMailbox, messageIds, parseAddressHeader, parseMessage, truncateText } from '#lib/gmail/parse';

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/mail/${name}`, import.meta.url));

describe('parseMessage on real mail', () => {
  it('reads the text/plain body of mixed > alternative > related, not the HTML or attachments', async () => {
    const mail = await parseMessage(fixture('mixed-alternative-related.eml'));
    expect(mail.text).toBe('Hi Bob,\n\nThe Q3 report is attached. Revenue grew 12 % — details inside.\n\nBest,\nAna');
    expect(mail.subject).toBe('Quarterly report — Q3 (final)');
    expect(mail.from).toEqual({ name: 'Ana María López', address: 'ana@example.org' });
    expect(mail.to.map(formatMailbox)).toEqual(['Bob Smith <bob@example.com>', '"Doe, Jane" <jane@example.com>']);
    expect(mail.cc.map(formatMailbox)).toEqual(['team@example.com']);
    expect(mail.date).toBe('Tue, 3 Nov 2026 18:15:00 +0100');
    expect(mail.messageId).toBe('<report-q3@example.org>');
  });

  it('converts an HTML-only mail to readable text without script, style or head', async () => {
    const mail = await parseMessage(fixture('html-only.eml'));
    expect(mail.text).toBe(
      [
        "This week's deals",
        '',
        'Tom & Jerry mugs: €5 — only <today>.',
        '',
        '- Coffee',
        '- Tea ☕',
        '',
        'Line one',
        'Line two',
        '',
        'See all deals (https://shop.example/deals?id=1&ref=mail)',
        '',
        'Price 5',
      ].join('\n'),
    );
    expect(mail.text).not.toMatch(/tracking|color|Deals\n|<html|DOCTYPE/);
  });

  it('decodes ISO-8859-1 quoted-printable bodies and RFC 2047 subjects and names', async () => {
    const mail = await parseMessage(fixture('latin1-qp.eml'));
    expect(mail.subject).toBe('Réunion à Zürich – ordre du jour');
    expect(mail.from?.name).toBe('François Müller');
    expect(mail.text).toBe(
      'Bonjour,\n\nLa réunion aura lieu à Zürich, café et gâteaux prévus. Coût total : 30 £.\n\nFrançois',
    );
  });

  it('decodes Windows-1252 8-bit bodies, euro sign and smart quotes included', async () => {
    const mail = await parseMessage(fixture('windows-1252.eml'));
    expect(mail.text).toBe('The total is €120 – due “next week”… Thanks!');
  });

  it('reads the References chain and In-Reply-To of a reply', async () => {
    const mail = await parseMessage(fixture('reply-chain.eml'));
    expect(mail.references).toEqual(['<msg-1@example.net>', '<msg-2@example.com>']);
    expect(mail.inReplyTo).toBe('<msg-2@example.com>');
    expect(mail.messageId).toBe('<msg-3@example.net>');
    expect(mail.subject).toBe('RE: Budget 2027');
  });

  it('reads Reply-To separately from From', async () => {
    const mail = await parseMessage(fixture('reply-to.eml'));
    expect(mail.replyTo).toEqual([{ name: 'Help Desk', address: 'help@service.example' }]);
    expect(mail.from?.address).toBe('noreply@service.example');
  });

  it("accepts Gmail's base64url raw as well as bytes", async () => {
    const bytes = fixture('reply-to.eml');
    const fromString = await parseMessage(bytes.toString('base64url'));
    expect(fromString).toEqual(await parseMessage(bytes));
  });
});

describe('address and id helpers', () => {
  it('parses an address header with encoded names and groups', () => {
    expect(parseAddressHeader('=?UTF-8?Q?J=C3=BCrgen?= <j@example.com>, Team: a@x.com, b@x.com;')).toEqual([
      { name: 'Jürgen', address: 'j@example.com' },
      { name: '', address: 'a@x.com' },
      { name: '', address: 'b@x.com' },
    ]);
    expect(parseAddressHeader(null)).toEqual([]);
  });

  it('quotes display names only when needed', () => {
    expect(formatMailbox({ name: 'Ana', address: 'a@x.com' })).toBe('Ana <a@x.com>');
    expect(formatMailbox({ name: 'Say "hi"', address: 'a@x.com' })).toBe('"Say \\"hi\\"" <a@x.com>');
    expect(formatMailbox({ name: '', address: 'a@x.com' })).toBe('a@x.com');
  });

  it('splits Message-ID lists', () => {
    expect(messageIds(' <a@x>\r\n <b@y><c@z> ')).toEqual(['<a@x>', '<b@y>', '<c@z>']);
    expect(messageIds(undefined)).toEqual([]);
  });
});

describe('truncateText', () => {
  it('leaves short text alone', () => {
    expect(truncateText('abc', 3)).toEqual({ text: 'abc', truncated: false });
  });

  it('cuts to the limit and says so', () => {
    expect(truncateText('abcdef', 4)).toEqual({ text: 'abcd', truncated: true });
  });

  it('never splits a surrogate pair', () => {
    const text = 'ab🎉cd'; // 🎉 is two UTF-16 units at index 2-3
    const cut = truncateText(text, 3);
    expect(cut).toEqual({ text: 'ab', truncated: true });
    expect(truncateText(text, 4).text).toBe('ab🎉');
    expect(cut.text).not.toMatch(/[\uD800-\uDBFF]$/);
  });
});
