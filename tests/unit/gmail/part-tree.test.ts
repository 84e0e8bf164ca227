import { describe, expect, it } from 'vitest';
import { MAX_HEADER_CHARS } from '#lib/gmail/parse';
import { MAX_PART_DEPTH, MAX_PARTS, messageParts, type Part, partHeader } from '#lib/gmail/part-tree';
import { PARTS_WITHOUT_DATA } from '#lib/gmail/payload';

const text = (body: string, headers: Record<string, string> = {}, filename = ''): Part => ({
  mimeType: 'text/plain',
  filename,
  headers: Object.entries(headers).map(([name, value]) => ({ name, value })),
  body: { size: body.length, data: Buffer.from(body).toString('base64url') },
});
const multipart = (parts: Part[]): Part => ({ mimeType: 'multipart/mixed', parts });

/** A chain of multiparts whose one text leaf sits `depth` levels below the root. */
function nested(depth: number): Part {
  let part = text('deep inside');
  for (let level = 0; level < depth; level += 1) part = multipart([part]);
  return part;
}

/** A root holding `count - 1` text leaves: `count` parts in all. */
const wide = (count: number) => multipart(Array.from({ length: count - 1 }, (_, i) => text(`leaf ${i}`)));

/** `parts` of every container wrapped so each read of a child is counted. */
function counting(part: Part, reads: { count: number }): Part {
  if (!part.parts) return part;
  const children = part.parts.map((child) => counting(child, reads));
  const watched = new Proxy(children, {
    get(target, key, receiver) {
      if (typeof key === 'string' && /^\d+$/.test(key)) reads.count += 1;
      return Reflect.get(target, key, receiver);
    },
  });
  return { ...part, parts: watched };
}

describe('messageParts, the one part-tree walker', () => {
  it(`reads a leaf ${MAX_PART_DEPTH} levels deep and refuses one ${MAX_PART_DEPTH + 1} deep`, () => {
    expect(messageParts(nested(MAX_PART_DEPTH))).toMatchObject({ refused: null, plain: [expect.anything()] });
    expect(messageParts(nested(MAX_PART_DEPTH + 1))).toEqual({
      plain: [],
      html: [],
      attachments: [],
      refused: `its parts nest more than ${MAX_PART_DEPTH} levels deep`,
    });
  });

  it(`reads ${MAX_PARTS} parts and refuses ${MAX_PARTS + 1}`, () => {
    expect(messageParts(wide(MAX_PARTS)).plain).toHaveLength(MAX_PARTS - 1);
    expect(messageParts(wide(MAX_PARTS + 1))).toMatchObject({
      plain: [],
      refused: `it has more than ${MAX_PARTS} parts`,
    });
  });

  it('refuses 100,000 levels of nesting without overflowing the stack', () => {
    expect(messageParts(nested(100_000)).refused).toContain('nest more than');
  });

  it('reads each part of a wide tree once, and none of the children past the limit', () => {
    // 31 levels, each with 30 leaves beside the next level: 962 parts, all within the limits.
    let tree = text('bottom');
    for (let level = 0; level < 31; level += 1)
      tree = multipart([...Array.from({ length: 30 }, (_, i) => text(`${level}.${i}`)), tree]);
    const reads = { count: 0 };
    const walked = messageParts(counting(tree, reads));
    expect(walked.plain).toHaveLength(31 * 30 + 1);
    expect(reads.count).toBe(31 * 31); // every child once: one step per part, whatever the shape

    const over = { count: 0 };
    expect(messageParts(counting(wide(100_000), over)).refused).toContain(`more than ${MAX_PARTS} parts`);
    expect(over.count).toBe(0); // refused on the count, before a single child was read
  });

  it('lists a part as an attachment when it is named or marked attachment, and never reads it as body', () => {
    const body = text('Hello');
    const html: Part = { ...text('<p>Hello</p>'), mimeType: 'text/html' };
    const unnamed = text('log line', { 'content-disposition': 'ATTACHMENT' });
    const named = { ...text('%PDF'), mimeType: 'application/pdf', filename: 'deck.pdf' };
    const namedInline = text('notes', { 'Content-Disposition': 'inline; filename="notes.txt"' }, 'notes.txt');
    const inlineImage: Part = { mimeType: 'image/png', headers: [{ name: 'Content-ID', value: '<logo>' }] };

    const walked = messageParts(
      multipart([multipart([body, html]), unnamed, multipart([named, namedInline]), inlineImage]),
    );

    expect(walked).toEqual({ plain: [body], html: [html], attachments: [unnamed, named, namedInline], refused: null });
  });

  it('reads part headers by any case, cut to the header cap', () => {
    const part = text('x', { 'CONTENT-TYPE': `text/plain; x=${'y'.repeat(2 * MAX_HEADER_CHARS)}` });
    expect(partHeader(part, 'content-type')).toHaveLength(MAX_HEADER_CHARS);
    expect(partHeader(part, 'Content-Disposition')).toBeNull();
    expect(partHeader(undefined, 'Content-Type')).toBeNull();
  });
});

describe('PARTS_WITHOUT_DATA', () => {
  it('asks Gmail for every level of parts the walk reads, so a listed attachment is always found again', () => {
    const levels = PARTS_WITHOUT_DATA.split('parts(').length - 1;
    expect(levels).toBe(MAX_PART_DEPTH);
    // Balanced, and each level asks for the attachment id.
    expect(PARTS_WITHOUT_DATA.split('(').length).toBe(PARTS_WITHOUT_DATA.split(')').length);
    expect(PARTS_WITHOUT_DATA.split('body/attachmentId').length - 1).toBe(MAX_PART_DEPTH + 1);
  });
});
