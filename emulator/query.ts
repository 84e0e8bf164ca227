/**
 * A real subset of Gmail's search language, so code that builds `q` strings is tested
 * against the same rules Gmail applies: implicit AND, `OR` binding tighter than AND,
 * `-` negation, parentheses, `field:(a b)` groups, and "quoted phrases" that are always
 * literal text (an operator inside quotes is just characters).
 */

/** Operators the emulator understands; any other `name:value` word is plain text. */
const OPERATORS = [
  'from',
  'to',
  'cc',
  'bcc',
  'subject',
  'rfc822msgid',
  'label',
  'in',
  'is',
  'has',
  'after',
  'before',
  'older_than',
  'newer_than',
] as const;

export type QueryOperator = (typeof OPERATORS)[number];

/** `text` is a bare word or phrase, matched against subject, addresses and body. */
export type QueryField = QueryOperator | 'text';

export type QueryNode =
  | { kind: 'term'; field: QueryField; value: string; quoted: boolean }
  | { kind: 'not'; node: QueryNode }
  | { kind: 'and'; nodes: QueryNode[] }
  | { kind: 'or'; nodes: QueryNode[] };

/** What the matcher needs to know about one message; built by the mailbox. */
export interface SearchableMessage {
  labelIds: readonly string[];
  /** Display names of the labels (a user label's name differs from its `Label_<n>` id). */
  labelNames?: readonly string[];
  /** Each address as its display name and address; either may be empty. */
  from: readonly SearchableAddress[];
  to: readonly SearchableAddress[];
  cc: readonly SearchableAddress[];
  bcc: readonly SearchableAddress[];
  subject: string;
  /** Message-ID without angle brackets. */
  messageId: string;
  /** Plain-text body (or text derived from HTML). */
  body: string;
  hasAttachment: boolean;
  /** Milliseconds since the epoch. */
  internalDate: number;
}

export interface SearchableAddress {
  name: string;
  address: string;
}

type Token =
  | { type: 'lparen' }
  | { type: 'rparen' }
  | { type: 'or' }
  | { type: 'not' }
  | { type: 'fieldGroup'; field: QueryOperator }
  | { type: 'term'; field: QueryField; value: string; quoted: boolean };

const isOperator = (name: string): name is QueryOperator => (OPERATORS as readonly string[]).includes(name);
const isSpace = (char: string | undefined) => char !== undefined && /\s/.test(char);
const endsWord = (char: string | undefined) =>
  char === undefined || isSpace(char) || char === '(' || char === ')' || char === '"';

function tokenize(query: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const readPhrase = (): string => {
    // Called on the opening quote; an unterminated phrase runs to the end, as in Gmail.
    const close = query.indexOf('"', i + 1);
    const end = close === -1 ? query.length : close;
    const phrase = query.slice(i + 1, end);
    i = close === -1 ? query.length : close + 1;
    return phrase;
  };
  while (i < query.length) {
    const char = query[i];
    if (isSpace(char)) {
      i += 1;
    } else if (char === '(') {
      tokens.push({ type: 'lparen' });
      i += 1;
    } else if (char === ')') {
      tokens.push({ type: 'rparen' });
      i += 1;
    } else if (char === '"') {
      tokens.push({ type: 'term', field: 'text', value: readPhrase(), quoted: true });
    } else if (char === '-') {
      // '-' negates what follows it directly; a lone '-' (before a space) means nothing.
      const next = query[i + 1];
      if (next !== undefined && !isSpace(next) && next !== ')') tokens.push({ type: 'not' });
      i += 1;
    } else {
      let word = '';
      while (!endsWord(query[i])) {
        word += query[i];
        i += 1;
      }
      const operator = /^([a-z0-9_]+):$/i.exec(word)?.[1]?.toLowerCase();
      if (operator !== undefined && isOperator(operator) && query[i] === '"') {
        tokens.push({ type: 'term', field: operator, value: readPhrase(), quoted: true });
      } else if (operator !== undefined && isOperator(operator) && query[i] === '(') {
        tokens.push({ type: 'fieldGroup', field: operator });
      } else if (word === 'OR') {
        tokens.push({ type: 'or' });
      } else if (word === 'AND') {
        // AND is what juxtaposition means already.
      } else {
        const colon = word.indexOf(':');
        const name = word.slice(0, colon).toLowerCase();
        if (colon > 0 && colon < word.length - 1 && isOperator(name)) {
          tokens.push({ type: 'term', field: name, value: word.slice(colon + 1), quoted: false });
        } else {
          tokens.push({ type: 'term', field: 'text', value: word, quoted: false });
        }
      }
    }
  }
  return tokens;
}

/**
 * Parses a Gmail search string. An empty or blank query is an empty AND, which matches
 * everything. Never throws: unbalanced parentheses and dangling operators are tolerated
 * the way Gmail tolerates them, by ignoring what cannot be read.
 */
export function parseQuery(query: string): QueryNode {
  const tokens = tokenize(query);
  let position = 0;
  const peek = () => tokens[position];

  const parseAnd = (): QueryNode => {
    const nodes: QueryNode[] = [];
    for (let token = peek(); token !== undefined && token.type !== 'rparen'; token = peek()) {
      if (token.type === 'or') {
        position += 1; // a leading or doubled OR has nothing on its left: ignore it
        continue;
      }
      const node = parseOr();
      if (node !== undefined) nodes.push(node);
    }
    return andOf(nodes);
  };

  const parseOr = (): QueryNode | undefined => {
    const first = parseUnary();
    if (first === undefined) return undefined;
    const nodes = [first];
    while (peek()?.type === 'or') {
      position += 1;
      const next = parseUnary();
      if (next !== undefined) nodes.push(next);
    }
    return nodes.length === 1 ? first : { kind: 'or', nodes };
  };

  const parseUnary = (): QueryNode | undefined => {
    const token = peek();
    if (token?.type === 'not') {
      position += 1;
      const inner = parseUnary();
      return inner === undefined ? undefined : { kind: 'not', node: inner };
    }
    return parsePrimary();
  };

  const parsePrimary = (): QueryNode | undefined => {
    const token = peek();
    if (token === undefined || token.type === 'rparen' || token.type === 'or') return undefined;
    position += 1;
    switch (token.type) {
      case 'term':
        return { kind: 'term', field: token.field, value: token.value, quoted: token.quoted };
      case 'lparen': {
        const inner = parseAnd();
        if (peek()?.type === 'rparen') position += 1;
        return inner;
      }
      case 'fieldGroup': {
        const inner = parsePrimary();
        return inner === undefined ? undefined : applyField(inner, token.field);
      }
      case 'not':
        return parseUnary();
    }
  };

  const parts = [parseAnd()];
  // A stray closing parenthesis stops parseAnd at top level: skip it and keep reading.
  while (position < tokens.length) {
    position += 1;
    parts.push(parseAnd());
  }
  return andOf(parts);
}

const isEmpty = (node: QueryNode) => node.kind === 'and' && node.nodes.length === 0;

/** AND of the nodes, leaving out empty groups like `()` and unwrapping a single node. */
function andOf(nodes: QueryNode[]): QueryNode {
  const kept = nodes.filter((node) => !isEmpty(node));
  return kept.length === 1 && kept[0] !== undefined ? kept[0] : { kind: 'and', nodes: kept };
}

/** `subject:(a b)` means `subject:a subject:b`: push the field into the group's text terms. */
function applyField(node: QueryNode, field: QueryOperator): QueryNode {
  switch (node.kind) {
    case 'term':
      return node.field === 'text' ? { ...node, field } : node;
    case 'not':
      return { kind: 'not', node: applyField(node.node, field) };
    case 'and':
    case 'or':
      return { kind: node.kind, nodes: node.nodes.map((child) => applyField(child, field)) };
  }
}

/** True when the query names spam or trash itself, so list must not hide them. */
export function mentionsSpamOrTrash(node: QueryNode): boolean {
  switch (node.kind) {
    case 'term': {
      const value = node.value.toLowerCase();
      return (node.field === 'in' || node.field === 'label') && ['spam', 'trash', 'anywhere'].includes(value);
    }
    case 'not':
      return mentionsSpamOrTrash(node.node);
    case 'and':
    case 'or':
      return node.nodes.some(mentionsSpamOrTrash);
  }
}

/** Options for {@link matchesQuery}; `now` anchors `older_than:` / `newer_than:`. */
export interface MatchOptions {
  now?: number;
}

/** Evaluates a parsed query against one message. */
export function matchesQuery(node: QueryNode, message: SearchableMessage, options: MatchOptions = {}): boolean {
  switch (node.kind) {
    case 'and':
      return node.nodes.every((child) => matchesQuery(child, message, options));
    case 'or':
      return node.nodes.some((child) => matchesQuery(child, message, options));
    case 'not':
      return !matchesQuery(node.node, message, options);
    case 'term':
      return matchesTerm(node.field, node.value, message, options.now ?? Date.now());
  }
}

/** The words of a text as Gmail indexes them: runs of letters and digits, lowercased. */
const words = (text: string) => text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];

/**
 * Gmail matches whole words, not substrings: `plan` finds "plan" but not "planning", and a
 * phrase (or an address, which is words joined by punctuation) matches where its words stand
 * one after another. A needle without any word matches everything (Gmail ignores it).
 */
function contains(haystack: string, needle: string): boolean {
  const wanted = words(needle);
  if (wanted.length === 0) return true;
  const text = words(haystack);
  for (let start = 0; start + wanted.length <= text.length; start += 1) {
    if (wanted.every((word, offset) => text[start + offset] === word)) return true;
  }
  return false;
}

function addressMatches(addresses: readonly SearchableAddress[], needle: string): boolean {
  return addresses.some(
    ({ name, address }) =>
      contains(address, needle) || contains(name, needle) || contains(`${name} <${address}>`, needle),
  );
}

/** Label names in queries use '-' for spaces and slashes and ignore case, as in Gmail. */
const normalizeLabel = (label: string) => label.toLowerCase().replace(/[\s/_-]+/g, '-');
const hasLabel = (message: SearchableMessage, label: string) =>
  [...message.labelIds, ...(message.labelNames ?? [])].some((id) => normalizeLabel(id) === normalizeLabel(label));

const stripBrackets = (id: string) => id.trim().replace(/^<|>$/g, '').toLowerCase();

function matchesTerm(field: QueryField, value: string, message: SearchableMessage, now: number): boolean {
  const lower = value.toLowerCase();
  switch (field) {
    case 'text':
      return (
        contains(message.subject, value) ||
        contains(message.body, value) ||
        addressMatches(message.from, value) ||
        addressMatches(message.to, value) ||
        addressMatches(message.cc, value)
      );
    case 'from':
      return addressMatches(message.from, value);
    case 'to':
      // Gmail's to: finds the message whichever recipient field names the address.
      return (
        addressMatches(message.to, value) || addressMatches(message.cc, value) || addressMatches(message.bcc, value)
      );
    case 'cc':
      return addressMatches(message.cc, value);
    case 'bcc':
      return addressMatches(message.bcc, value);
    case 'subject':
      return contains(message.subject, value);
    case 'rfc822msgid':
      return stripBrackets(message.messageId) === stripBrackets(value);
    case 'label':
      return hasLabel(message, value);
    case 'in':
      if (lower === 'anywhere') return true;
      return hasLabel(message, lower === 'drafts' ? 'DRAFT' : value);
    case 'is':
      if (lower === 'read') return !hasLabel(message, 'UNREAD');
      return hasLabel(message, value);
    case 'has':
      return lower === 'attachment' && message.hasAttachment;
    case 'after':
    case 'before': {
      const bound = parseDateBound(value);
      if (bound === undefined) return false;
      return field === 'after' ? message.internalDate >= bound : message.internalDate < bound;
    }
    case 'older_than':
    case 'newer_than': {
      const age = parseAge(value);
      if (age === undefined) return false;
      return field === 'older_than' ? message.internalDate < now - age : message.internalDate >= now - age;
    }
  }
}

/** `2024/01/31`, `2024-1-31` (midnight UTC; Gmail uses the account's zone) or epoch seconds. */
function parseDateBound(value: string): number | undefined {
  if (/^\d{9,}$/.test(value)) return Number(value) * 1000;
  const match = /^(\d{4})[/-](\d{1,2})[/-](\d{1,2})$/.exec(value);
  if (match === null) return undefined;
  return Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
}

const DAY_MS = 86_400_000;

/** `3d`, `2m`, `1y` as milliseconds (months as 30 days, years as 365). */
function parseAge(value: string): number | undefined {
  const match = /^(\d+)([dmy])$/i.exec(value);
  if (match === null) return undefined;
  const unit = { d: DAY_MS, m: 30 * DAY_MS, y: 365 * DAY_MS }[match[2]?.toLowerCase() as 'd' | 'm' | 'y'];
  return Number(match[1]) * unit;
}
