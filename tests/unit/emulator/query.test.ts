import { describe, expect, it } from 'vitest';
import type { SearchableMessage } from '../../../emulator/query.ts';
import { matchesQuery, mentionsSpamOrTrash, parseQuery } from '../../../emulator/query.ts';

// The parse tree's nodes, spelled as parseQuery writes them.
const term = (field: string, value: string, quoted = false) => ({ kind: 'term', field, value, quoted });
const and = (...nodes: object[]) => ({ kind: 'and', nodes });
const or = (...nodes: object[]) => ({ kind: 'or', nodes });
const not = (node: object) => ({ kind: 'not', node });

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
  it.each([
    ['reads juxtaposed terms as AND', 'is:unread in:inbox', and(term('is', 'unread'), term('in', 'inbox'))],
    [
      'binds OR tighter than the implicit AND, as Gmail does',
      'a b OR c',
      and(term('text', 'a'), or(term('text', 'b'), term('text', 'c'))),
    ],
    ['negates the term a leading minus is attached to', '-from:bob@example.org', not(term('from', 'bob@example.org'))],
    [
      'keeps a quoted operator value literal, operators inside it included',
      'from:"a@b.c is:read"',
      term('from', 'a@b.c is:read', true),
    ],
    [
      'keeps a bare quoted phrase literal, OR and minus inside it included',
      '"cats OR -dogs"',
      term('text', 'cats OR -dogs', true),
    ],
    [
      'applies an operator to every term of a field:(...) group',
      'subject:(dinner movie)',
      and(term('subject', 'dinner'), term('subject', 'movie')),
    ],
    [
      'groups with parentheses and negates a whole group',
      '-(from:a OR from:b) is:unread',
      and(not(or(term('from', 'a'), term('from', 'b'))), term('is', 'unread')),
    ],
    [
      'treats unknown operators as plain text and lowercase "or" as a word',
      'foo:bar or',
      and(term('text', 'foo:bar'), term('text', 'or')),
    ],
    ['runs an unterminated quote to the end of the query', 'subject:"half open', term('subject', 'half open', true)],
    ['tolerates stray parentheses and dangling OR without throwing', ') OR is:unread (', term('is', 'unread')],
    ['reads a blank query as an empty AND', '   ', and()],
  ])('%s', (_behaviour, query, tree) => {
    expect(parseQuery(query)).toEqual(tree);
  });
});

/** One query against the sample message: the query, whether it matches, and changes to the message. */
type MatchCase = [query: string, matches: boolean, overrides?: Partial<SearchableMessage>];

const MATCH_BEHAVIOURS: [behaviour: string, cases: MatchCase[]][] = [
  ['matches everything with an empty query', [['', true]]],
  [
    'tells unread from read by the UNREAD label',
    [
      ['is:unread', true],
      ['is:read', false],
      ['is:read', true, { labelIds: ['INBOX'] }],
    ],
  ],
  [
    'matches in: and label: against labels, ignoring case and dash/space spelling',
    [
      ['in:inbox', true],
      ['in:sent', false],
      ['label:project-x', true, { labelIds: ['Project X'] }],
      ['label:project-y', false, { labelIds: ['Project X'] }],
    ],
  ],
  [
    'matches from: on address or display name, by whole words, ignoring case',
    [
      ['from:ALICE@example.com', true],
      ['from:"alice chen"', true],
      ['from:example.com', true],
      ['from:bob', false],
      // Gmail matches words, not parts of them.
      ['from:ali', false],
    ],
  ],
  [
    'never reads operators inside a quoted from: value',
    [
      ['from:"alice@example.com is:unread"', false],
      ['from:"alice@example.com is:unread"', true, { from: [{ name: '', address: 'alice@example.com is:unread' }] }],
    ],
  ],
  [
    'matches to: against To, Cc and Bcc recipients',
    [
      ['to:demo@example.com', true],
      ['to:carol', true, { cc: [{ name: 'Carol', address: 'carol@example.net' }] }],
      ['to:dave', true, { bcc: [{ name: '', address: 'dave@example.net' }] }],
      ['to:alice', false],
    ],
  ],
  [
    'matches subject: words and phrases',
    [
      ['subject:quarterly', true],
      ['subject:"report draft"', true],
      ['subject:"draft report"', false],
    ],
  ],
  [
    'matches rfc822msgid: exactly, with or without angle brackets',
    [
      ['rfc822msgid:<report.q4@example.org>', true],
      ['rfc822msgid:report.q4@example.org', true],
      ['rfc822msgid:report.q4', false],
    ],
  ],
  [
    'matches bare words and phrases in subject, addresses and body, collapsing whitespace',
    [
      ['friday', true],
      ['"review section 2 by friday"', true],
      ['chen', true],
      ['invoice', false],
      ['fri', false],
      ['"section 2 review"', false],
    ],
  ],
  [
    'combines negation and OR',
    [
      ['-from:alice', false],
      ['from:bob OR from:alice', true],
      ['is:unread -(from:bob OR subject:invoice)', true],
      ['is:unread (from:bob OR subject:invoice)', false],
    ],
  ],
  [
    'filters by attachment and by date',
    [
      ['has:attachment', false],
      ['has:attachment', true, { hasAttachment: true }],
      ['after:2026/11/03 before:2026/11/04', true],
      ['after:2026/11/04', false],
      ['newer_than:3d', true],
      ['older_than:3d', false],
    ],
  ],
];

describe('matchesQuery', () => {
  it.each(MATCH_BEHAVIOURS)('%s', (_behaviour, cases) => {
    for (const [query, expected, overrides] of cases) expect(matches(query, overrides), query).toBe(expected);
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
