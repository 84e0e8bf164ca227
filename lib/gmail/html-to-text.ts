import { decodeHTML } from 'entities';
import { Tokenizer, type TokenizerCallbacks } from 'htmlparser2';

/**
 * Readable plain text from an email's HTML, for a language model to read: no tags, no
 * scripts or styles, entities decoded, paragraphs and line breaks kept, link targets kept
 * beside their text.
 *
 * Mail HTML comes from strangers, so the conversion is one linear pass of htmlparser2's
 * tokenizer (the part of htmlparser2 with no element stack: its `Parser` keeps one and
 * goes quadratic on 200,000 unclosed `<div>`s). Nothing here looks back over the input or
 * the output, and at most {@link MAX_HTML_INPUT_CHARS} of one body is read at all.
 */

/** The most HTML of one body that is converted; the rest is not read (the answer says it was cut). */
export const MAX_HTML_INPUT_CHARS = 1_000_000;

/** Decodes named and numeric character references as HTML does (unknown names stay as written). */
export function decodeEntities(text: string): string {
  return decodeHTML(text);
}

/** What the conversion produced, and whether input or output was cut short. */
export interface ConvertedHtml {
  text: string;
  truncated: boolean;
}

/** Limits of one conversion. */
export interface HtmlLimits {
  /** Input characters read at most (default {@link MAX_HTML_INPUT_CHARS}). */
  maxInputChars?: number;
  /** Stop reading once about this many characters of text are out (default: no limit). */
  maxOutputChars?: number;
}

// Elements whose content is never shown to a reader.
const HIDDEN = new Set(['script', 'style', 'head', 'title', 'template', 'noscript', 'object', 'svg']);
// Elements that start a new paragraph (blank line) or a new line.
const PARAGRAPH = new Set(['p', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'blockquote', 'table', 'ul', 'ol', 'dl', 'hr']);
PARAGRAPH.add('address').add('figure');
const LINE = new Set(['div', 'tr', 'section', 'article', 'header', 'footer', 'nav', 'aside', 'main', 'center']);
for (const name of ['dt', 'dd', 'caption', 'form', 'fieldset']) LINE.add(name);
// What may stand in a <head>; anything else (text or another element) ends it, as in browsers.
const HEAD_CONTENT = new Set([
  'html',
  'head',
  'meta',
  'link',
  'base',
  'title',
  'style',
  'script',
  'noscript',
  'template',
]);
// Only these attributes are read; anything longer than this is not a link anyone reads.
const WANTED_ATTRIBUTES = new Set(['href', 'alt']);
const MAX_ATTRIBUTE_CHARS = 2_048;
// Marks where a <pre> block goes back after whitespace is normalised (any in the input is dropped).
const MARK = '\uE000';
const CHUNK_CHARS = 64 * 1024;

/** "text (url)" for a link, or just the text when the URL adds nothing. */
function renderAnchor(href: string | undefined, inner: string): string {
  if (!href || !/^(https?:|mailto:)/i.test(href)) return inner;
  const text = inner.replace(/\s+/g, ' ').trim();
  const target = href.replace(/^mailto:/i, '');
  if (text === '') return ` ${target} `;
  if (text === href || text === target || text === href.replace(/^https?:\/\//i, '').replace(/\/$/, '')) return inner;
  return `${inner} (${target})`;
}

/** Blank lines and spaces as a reader expects them; <pre> blocks put back untouched. */
function normalise(flow: string, preserved: string[]): string {
  const text = flow
    .replace(/[\u00a0\t ]+/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  return text.replace(
    /\uE000(\d+)\uE000/g,
    (_match, index: string) => preserved[Number(index)]?.replace(/^\n+|\s+$/g, '') ?? '',
  );
}

/**
 * Converts HTML to readable text within limits, saying whether anything was left out
 * (input beyond `maxInputChars`, or text beyond about `maxOutputChars`). Linear in the
 * input read; never throws on malformed markup.
 */
export function convertHtml(html: string, limits: HtmlLimits = {}): ConvertedHtml {
  const maxInput = limits.maxInputChars ?? MAX_HTML_INPUT_CHARS;
  const maxOutput = limits.maxOutputChars ?? Number.POSITIVE_INFINITY;
  const input = html.length > maxInput ? html.slice(0, maxInput) : html;
  let truncated = input.length < html.length;

  let out: string[] = []; // the text being written (the current link's, while inside one)
  let outChars = 0;
  const preserved: string[] = [];
  let pre: string[] | null = null;
  let preDepth = 0;
  const hidden = new Map<string, number>();
  let hiddenDepth = 0;
  let anchor: { href: string | undefined; outer: string[] } | null = null;

  let tagName = '';
  let attributeName = '';
  let attributeValue = '';
  const attributes = new Map<string, string>();

  const write = (text: string) => {
    if (text === '') return;
    if (pre) pre.push(text);
    else out.push(text);
    outChars += text.length;
  };
  const closeAnchor = () => {
    if (!anchor) return;
    const inner = out.join('');
    const rendered = renderAnchor(anchor.href, inner);
    outChars += rendered.length - inner.length; // the link target counts toward the cap too
    out = anchor.outer;
    out.push(rendered);
    anchor = null;
  };
  // A <head> left open ends where its content does (mail HTML often never closes it).
  const endHead = () => {
    hiddenDepth -= hidden.get('head') ?? 0;
    hidden.delete('head');
  };
  const openTag = (name: string) => {
    if (hidden.has('head') && !HEAD_CONTENT.has(name)) endHead();
    if (HIDDEN.has(name)) {
      hidden.set(name, (hidden.get(name) ?? 0) + 1);
      hiddenDepth += 1;
      return;
    }
    if (hiddenDepth > 0) return;
    switch (name) {
      case 'br':
        write('\n');
        return;
      case 'li':
        write('\n- ');
        return;
      case 'img': {
        const alt = attributes.get('alt')?.trim();
        write(alt ? ` [${alt}] ` : ' ');
        return;
      }
      case 'a':
        if (pre) return; // inside <pre> a link is just its text
        // Links do not nest: a new one ends the one still open, as in browsers.
        closeAnchor();
        anchor = { href: attributes.get('href')?.trim(), outer: out };
        out = [];
        return;
      case 'pre':
        preDepth += 1;
        if (preDepth === 1) {
          closeAnchor();
          pre = [];
        }
        return;
    }
    if (PARAGRAPH.has(name)) write('\n\n');
    else if (LINE.has(name)) write('\n');
  };
  const closeTag = (name: string) => {
    const depth = hidden.get(name);
    if (depth !== undefined) {
      if (depth <= 1) hidden.delete(name);
      else hidden.set(name, depth - 1);
      hiddenDepth -= 1;
      return;
    }
    if (hiddenDepth > 0) return;
    switch (name) {
      case 'a':
        closeAnchor();
        return;
      case 'td':
      case 'th':
        write(' \t');
        return;
      case 'pre':
        if (preDepth === 0) return;
        preDepth -= 1;
        if (preDepth === 0 && pre) {
          preserved.push(pre.join(''));
          pre = null;
          write(`\n\n${MARK}${preserved.length - 1}${MARK}\n\n`);
        }
        return;
    }
    if (PARAGRAPH.has(name)) write('\n\n');
    else if (LINE.has(name)) write('\n');
  };
  const text = (raw: string) => {
    if (hiddenDepth > 0 && hiddenDepth === hidden.get('head') && /\S/.test(raw)) endHead();
    if (hiddenDepth > 0) return;
    const clean = raw.includes(MARK) ? raw.replaceAll(MARK, '') : raw;
    // Source line breaks mean nothing in HTML outside <pre>; only tags make lines.
    write(pre ? clean : clean.replace(/[\t\n\f\r ]+/g, ' '));
  };
  const slice = (start: number, end: number) => input.slice(start, end);

  const callbacks: TokenizerCallbacks = {
    ontext: (start, end) => text(slice(start, end)),
    ontextentity: (codepoint) => text(String.fromCodePoint(codepoint)),
    onopentagname: (start, end) => {
      tagName = slice(start, end).toLowerCase();
      attributes.clear();
    },
    onattribname: (start, end) => {
      attributeName = slice(start, end).toLowerCase();
      attributeValue = '';
    },
    onattribdata: (start, end) => {
      if (WANTED_ATTRIBUTES.has(attributeName) && attributeValue.length < MAX_ATTRIBUTE_CHARS)
        attributeValue += slice(start, Math.min(end, start + MAX_ATTRIBUTE_CHARS));
    },
    onattribentity: (codepoint) => {
      if (WANTED_ATTRIBUTES.has(attributeName) && attributeValue.length < MAX_ATTRIBUTE_CHARS)
        attributeValue += String.fromCodePoint(codepoint);
    },
    onattribend: () => {
      if (WANTED_ATTRIBUTES.has(attributeName) && !attributes.has(attributeName))
        attributes.set(attributeName, attributeValue);
    },
    onopentagend: () => openTag(tagName),
    onselfclosingtag: () => openTag(tagName),
    onclosetag: (start, end) => closeTag(slice(start, end).toLowerCase()),
    // Comments, CDATA, doctypes and processing instructions show nothing.
    oncdata: () => {},
    oncomment: () => {},
    ondeclaration: () => {},
    onprocessinginstruction: () => {},
    onend: () => {},
  };
  const tokenizer = new Tokenizer({ decodeEntities: true }, callbacks);
  for (let offset = 0; offset < input.length; offset += CHUNK_CHARS) {
    if (outChars > maxOutput) {
      truncated = true;
      break;
    }
    tokenizer.write(input.slice(offset, offset + CHUNK_CHARS));
  }
  tokenizer.end();
  closeAnchor();
  if (pre) {
    preserved.push((pre as string[]).join(''));
    out.push(`\n\n${MARK}${preserved.length - 1}${MARK}\n\n`);
  }
  return { text: normalise(out.join(''), preserved), truncated };
}

/** Converts an HTML document or fragment to readable plain text (at most {@link MAX_HTML_INPUT_CHARS} read). */
export function htmlToText(html: string): string {
  return convertHtml(html).text;
}
