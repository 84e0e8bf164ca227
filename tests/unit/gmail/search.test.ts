import { describe, expect, it } from 'vitest';
import { buildUnreadQuery, fromQuery, quoteTerm, quoteWords, UNREAD_INBOX } from '#lib/gmail/search';

describe('quoteTerm', () => {
  it('quotes a word and strips quotes, backslashes and control characters inside it', () => {
    expect(quoteTerm('invoice')).toBe('"invoice"');
    expect(quoteTerm('a"b\\c\u0000d')).toBe('"abcd"');
    expect(quoteTerm('""')).toBeNull();
    expect(quoteTerm('\\')).toBeNull();
  });
});

describe('buildUnreadQuery', () => {
  it('is the unread inbox when no words are given', () => {
    expect(buildUnreadQuery()).toBe(UNREAD_INBOX);
    expect(buildUnreadQuery(null)).toBe(UNREAD_INBOX);
    expect(buildUnreadQuery('   ')).toBe(UNREAD_INBOX);
  });

  it('turns each word into its own quoted term', () => {
    expect(buildUnreadQuery('  Q3   report ')).toBe('is:unread in:inbox "Q3" "report"');
  });

  // Every attempt must come out as quoted literal words after the fixed prefix: no bare
  // operator, OR, minus, parenthesis or brace can reach Gmail outside quotes.
  const attempts: Array<[string, string]> = [
    ['x OR is:read', '"x" "OR" "is:read"'],
    ['"a" from:evil', '"a" "from:evil"'],
    ['in:anywhere', '"in:anywhere"'],
    ['-is:unread', '"-is:unread"'],
    ['{in:spam in:trash}', '"{in:spam" "in:trash}"'],
    ['") OR ("', '")" "OR" "("'],
    ['a\\" OR is:read', '"a" "OR" "is:read"'],
    ['x\nOR\tin:sent', '"x" "OR" "in:sent"'],
  ];
  it.each(attempts)('keeps %j from adding operators', (input, quoted) => {
    const query = buildUnreadQuery(input);
    expect(query).toBe(`${UNREAD_INBOX} ${quoted}`);
    const outsideQuotes = query
      .slice(UNREAD_INBOX.length)
      .replace(/"[^"]*"/g, '')
      .trim();
    expect(outsideQuotes).toBe('');
  });

  it('keeps non-ASCII words', () => {
    expect(quoteWords('Grüße 会議')).toBe('"Grüße" "会議"');
  });
});

describe('fromQuery', () => {
  it('quotes the address and strips what could close the quote', () => {
    expect(fromQuery('bob@example.com')).toBe('from:"bob@example.com"');
    expect(fromQuery('bob@example.com" OR from:"x')).toBe('from:"bob@example.comORfrom:x"');
    expect(() => fromQuery('""')).toThrow(RangeError);
  });
});
