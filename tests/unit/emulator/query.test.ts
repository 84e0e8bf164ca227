import { describe, expect, it } from 'vitest';
import type { SearchableMessage } from '../../../emulator/query.ts';
import { matchesQuery, mentionsSpamOrTrash, parseQuery } from '../../../emulator/query.ts';

const term = (field: string, value: string, quoted = false) => ({ kind: 'term', field, value, quoted });

function message(overrides: Partial<SearchableMessage> = {}): SearchableMessage {
  return {
    labelIds: ['INBOX', 'UNREAD'],
    from: [{ name: 'Alice Chen', address: 'alice@example.com' }],
    to: [{ name: 'Demo User', address: 'demo@example.com' }],
    cc: [],
    bcc: [],
    subject: 'Quarterly report draft',
    messageId: '<report.q4@example.org>',
    body: 'Could you review   section 2\nby Friday?',
    hasAttachment: false,
    internalDate: Date.UTC(2026, 10, 3, 12),
    ...overrides,
  };
}

const matches = (query: string, overrides: Partial<SearchableMessage> = {}) =>
  matchesQuery(parseQuery(query), message(overrides), { now: Date.UTC(2026, 10, 5) });

describe('parseQuery', () => {
  it('reads juxtaposed terms as AND', () => {
    expect(parseQuery('is:unread in:inbox')).toEqual({
      kind: 'and',
      nodes: [term('is', 'unread'), term('in', 'inbox')],
    });
  });

  it('binds OR tighter than the implicit AND, as Gmail does', () => {
    expect(parseQuery('a b OR c')).toEqual({
      kind: 'and',
      nodes: [term('text', 'a'), { kind: 'or', nodes: [term('text', 'b'), term('text', 'c')] }],
    });
  });

  it('negates the term a leading minus is attached to', () => {
    expect(parseQuery('-from:bob@example.org')).toEqual({ kind: 'not', node: term('from', 'bob@example.org') });
  });

  it('keeps a quoted operator value literal, operators inside it included', () => {
    expect(parseQuery('from:"a@b.c is:read"')).toEqual(term('from', 'a@b.c is:read', true));
  });

  it('keeps a bare quoted phrase literal, OR and minus inside it included', () => {
    expect(parseQuery('"cats OR -dogs"')).toEqual(term('text', 'cats OR -dogs', true));
  });

  it('applies an operator to every term of a field:(...) group', () => {
    expect(parseQuery('subject:(dinner movie)')).toEqual({
      kind: 'and',
      nodes: [term('subject', 'dinner'), term('subject', 'movie')],
    });
  });

  it('groups with parentheses and negates a whole group', () => {
    expect(parseQuery('-(from:a OR from:b) is:unread')).toEqual({
      kind: 'and',
      nodes: [
        { kind: 'not', node: { kind: 'or', nodes: [term('from', 'a'), term('from', 'b')] } },
        term('is', 'unread'),
      ],
    });
  });

  it('treats unknown operators as plain text and lowercase "or" as a word', () => {
    expect(parseQuery('foo:bar or')).toEqual({ kind: 'and', nodes: [term('text', 'foo:bar'), term('text', 'or')] });
  });

  it('runs an unterminated quote to the end of the query', () => {
    expect(parseQuery('subject:"half open')).toEqual(term('subject', 'half open', true));
  });

  it('tolerates stray parentheses and dangling OR without throwing', () => {
    expect(parseQuery(') OR is:unread (')).toEqual(term('is', 'unread'));
  });

  it('reads a blank query as an empty AND', () => {
    expect(parseQuery('   ')).toEqual({ kind: 'and', nodes: [] });
  });
});

describe('matchesQuery', () => {
  it('matches everything with an empty query', () => {
    expect(matches('')).toBe(true);
  });

  it('tells unread from read by the UNREAD label', () => {
    expect(matches('is:unread')).toBe(true);
    expect(matches('is:read')).toBe(false);
    expect(matches('is:read', { labelIds: ['INBOX'] })).toBe(true);
  });

  it('matches in: and label: against labels, ignoring case and dash/space spelling', () => {
    expect(matches('in:inbox')).toBe(true);
    expect(matches('in:sent')).toBe(false);
    expect(matches('label:project-x', { labelIds: ['Project X'] })).toBe(true);
    expect(matches('label:project-y', { labelIds: ['Project X'] })).toBe(false);
  });

  it('matches from: on address or display name, by whole words, ignoring case', () => {
    expect(matches('from:ALICE@example.com')).toBe(true);
    expect(matches('from:"alice chen"')).toBe(true);
    expect(matches('from:example.com')).toBe(true);
    expect(matches('from:bob')).toBe(false);
    // Gmail matches words, not parts of them.
    expect(matches('from:ali')).toBe(false);
  });

  it('never reads operators inside a quoted from: value', () => {
    expect(matches('from:"alice@example.com is:unread"')).toBe(false);
    expect(
      matches('from:"alice@example.com is:unread"', { from: [{ name: '', address: 'alice@example.com is:unread' }] }),
    ).toBe(true);
  });

  it('matches to: against To, Cc and Bcc recipients', () => {
    expect(matches('to:demo@example.com')).toBe(true);
    expect(matches('to:carol', { cc: [{ name: 'Carol', address: 'carol@example.net' }] })).toBe(true);
    expect(matches('to:dave', { bcc: [{ name: '', address: 'dave@example.net' }] })).toBe(true);
    expect(matches('to:alice')).toBe(false);
  });

  it('matches subject: words and phrases', () => {
    expect(matches('subject:quarterly')).toBe(true);
    expect(matches('subject:"report draft"')).toBe(true);
    expect(matches('subject:"draft report"')).toBe(false);
  });

  it('matches rfc822msgid: exactly, with or without angle brackets', () => {
    expect(matches('rfc822msgid:<report.q4@example.org>')).toBe(true);
    expect(matches('rfc822msgid:report.q4@example.org')).toBe(true);
    expect(matches('rfc822msgid:report.q4')).toBe(false);
  });

  it('matches bare words and phrases in subject, addresses and body, collapsing whitespace', () => {
    expect(matches('friday')).toBe(true);
    expect(matches('"review section 2 by friday"')).toBe(true);
    expect(matches('chen')).toBe(true);
    expect(matches('invoice')).toBe(false);
    expect(matches('fri')).toBe(false);
    expect(matches('"section 2 review"')).toBe(false);
  });

  it('combines negation and OR', () => {
    expect(matches('-from:alice')).toBe(false);
    expect(matches('from:bob OR from:alice')).toBe(true);
    expect(matches('is:unread -(from:bob OR subject:invoice)')).toBe(true);
    expect(matches('is:unread (from:bob OR subject:invoice)')).toBe(false);
  });

  it('filters by attachment and by date', () => {
    expect(matches('has:attachment')).toBe(false);
    expect(matches('has:attachment', { hasAttachment: true })).toBe(true);
    expect(matches('after:2026/11/03 before:2026/11/04')).toBe(true);
    expect(matches('after:2026/11/04')).toBe(false);
    expect(matches('newer_than:3d')).toBe(true);
    expect(matches('older_than:3d')).toBe(false);
  });
});

describe('mentionsSpamOrTrash', () => {
  it('is true only when the query asks for spam, trash or anywhere', () => {
    expect(mentionsSpamOrTrash(parseQuery('in:spam'))).toBe(true);
    expect(mentionsSpamOrTrash(parseQuery('is:unread OR in:anywhere'))).toBe(true);
    expect(mentionsSpamOrTrash(parseQuery('"in:trash"'))).toBe(false);
    expect(mentionsSpamOrTrash(parseQuery('is:unread'))).toBe(false);
  });
});
