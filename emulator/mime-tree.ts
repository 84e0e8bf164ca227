import { decodeHeaderWords } from './gmail-text.ts';

/**
 * The MIME structure of a source exactly as it nests, which Gmail's `format=full` payload
 * mirrors part for part: multipart containers with their children, and leaves whose body
 * is the transfer-decoded bytes (base64 and quoted-printable undone, charset untouched: the
 * part's own Content-Type still says which; gmail-format.ts transcodes text for `format=full`). This is separate from postal-mime's view
 * (message.ts) because Gmail stores and shows mail that postal-mime refuses, such as 300
 * nested multiparts.
 */

export interface MimeHeader {
  name: string;
  value: string;
}

export interface MimeNode {
  /** Unfolded, RFC 2047 words decoded (as Gmail shows part headers). */
  headers: MimeHeader[];
  /** Lower-case `type/subtype`; `text/plain` when the part names none. */
  mimeType: string;
  /** File name from Content-Disposition or Content-Type `name`, '' when none. */
  filename: string;
  /** Transfer-decoded content of a leaf; empty for a multipart. */
  body: Buffer;
  /** Children of a multipart. */
  parts?: MimeNode[];
}

/** Past this depth a part is kept as an opaque leaf (only to bound the emulator's own recursion). */
const MAX_DEPTH = 1_000;

function splitHeadAndBody(source: string): { head: string; body: string } {
  const match = /\r?\n\r?\n/.exec(source);
  if (match === null) return { head: source, body: '' };
  return { head: source.slice(0, match.index), body: source.slice(match.index + match[0].length) };
}

function parseHeaders(head: string): MimeHeader[] {
  const headers: MimeHeader[] = [];
  for (const line of head.split(/\r?\n/)) {
    const last = headers.at(-1);
    if ((line.startsWith(' ') || line.startsWith('\t')) && last !== undefined) {
      last.value += ` ${line.trim()}`;
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    headers.push({ name: line.slice(0, colon).trim(), value: line.slice(colon + 1).trim() });
  }
  return headers;
}

/** `type/subtype` and the parameters of a Content-Type or Content-Disposition value. */
export function headerParams(value: string): { value: string; params: Map<string, string> } {
  const [first = '', ...rest] = value.split(';');
  const params = new Map<string, string>();
  for (const piece of rest) {
    const equals = piece.indexOf('=');
    if (equals <= 0) continue;
    const key = piece.slice(0, equals).trim().toLowerCase();
    const raw = piece.slice(equals + 1).trim();
    params.set(key, raw.startsWith('"') ? raw.slice(1, raw.endsWith('"') ? -1 : undefined) : raw);
  }
  return { value: first.trim().toLowerCase(), params };
}

function decodeQuotedPrintable(text: string): Buffer {
  const soft = text.replace(/=\r?\n/g, '');
  const bytes: number[] = [];
  for (let i = 0; i < soft.length; i += 1) {
    const hex = soft.slice(i + 1, i + 3);
    if (soft[i] === '=' && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(Number.parseInt(hex, 16));
      i += 2;
    } else bytes.push(soft.charCodeAt(i) & 0xff);
  }
  return Buffer.from(bytes);
}

function decodeBody(latin1: string, encoding: string): Buffer {
  if (encoding === 'base64') return Buffer.from(latin1.replace(/[^A-Za-z0-9+/=_-]/g, ''), 'base64');
  if (encoding === 'quoted-printable') return decodeQuotedPrintable(latin1);
  return Buffer.from(latin1, 'latin1');
}

/** The bodies between `--boundary` lines (preamble and epilogue dropped). */
function splitMultipart(body: string, boundary: string): string[] {
  const escaped = boundary.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  // The line break before a delimiter belongs to the delimiter (RFC 2046 5.1.1).
  const delimiter = new RegExp(`(?:^|\\r?\\n)--${escaped}(--)?[ \\t]*(?=\\r?\\n|$)`, 'g');
  const parts: string[] = [];
  let start: number | undefined;
  for (let match = delimiter.exec(body); match !== null; match = delimiter.exec(body)) {
    if (start !== undefined) parts.push(body.slice(start, match.index).replace(/^\r?\n/, ''));
    if (match[1] === '--') return parts;
    start = match.index + match[0].length;
  }
  if (start !== undefined) parts.push(body.slice(start).replace(/^\r?\n/, '')); // never closed
  return parts;
}

/** A header value read as latin1: 8-bit bytes as UTF-8, then RFC 2047 words decoded. */
function decodeText(latin1: string): string {
  return decodeHeaderWords(Buffer.from(latin1, 'latin1').toString('utf8'));
}

function parseNode(source: string, depth: number): MimeNode {
  const { head, body } = splitHeadAndBody(source);
  const rawHeaders = parseHeaders(head);
  const find = (name: string) => rawHeaders.find((header) => header.name.toLowerCase() === name)?.value ?? '';
  const type = headerParams(find('content-type'));
  const disposition = headerParams(find('content-disposition'));
  const mimeType = /^[\w.+-]+\/[\w.+-]+$/.test(type.value) ? type.value : 'text/plain';
  const headers = rawHeaders.map(({ name, value }) => ({ name, value: decodeText(value) }));
  const filename = decodeText(disposition.params.get('filename') ?? type.params.get('name') ?? '');
  const boundary = type.params.get('boundary');
  if (mimeType.startsWith('multipart/') && boundary && depth < MAX_DEPTH) {
    const parts = splitMultipart(body, boundary).map((part) => parseNode(part, depth + 1));
    return { headers, mimeType, filename, body: Buffer.alloc(0), parts };
  }
  const encoding = find('content-transfer-encoding').trim().toLowerCase();
  return { headers, mimeType, filename, body: decodeBody(body, encoding) };
}

/** Parses the MIME structure of an RFC 822 source. Never throws. */
export function parseMimeTree(raw: Buffer): MimeNode {
  // latin1 keeps every byte as one character, so 8-bit bodies come back byte-exact.
  return parseNode(raw.toString('latin1'), 0);
}

/** The node at a Gmail partId ('' the root, '0.1' the second child of the first child). */
export function nodeAt(root: MimeNode, partId: string): MimeNode | undefined {
  if (partId === '') return root;
  let node: MimeNode | undefined = root;
  for (const index of partId.split('.')) {
    if (!/^\d+$/.test(index)) return undefined;
    node = node?.parts?.[Number(index)];
  }
  return node;
}
