/**
 * Readable plain text from an email's HTML, for a language model to read: no tags, no
 * scripts or styles, entities decoded, paragraphs and line breaks kept, link targets kept
 * beside their text. Mail HTML is simple enough (tables, divs, paragraphs) that a small,
 * tested converter serves better than a dependency in every Lambda bundle.
 */

const NAMED_ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: '\u00a0',
  ensp: '\u2002',
  emsp: '\u2003',
  thinsp: '\u2009',
  zwnj: '\u200c',
  zwj: '\u200d',
  shy: '\u00ad',
  copy: '©',
  reg: '®',
  trade: '™',
  hellip: '…',
  mdash: '—',
  ndash: '–',
  lsquo: '‘',
  rsquo: '’',
  sbquo: '‚',
  ldquo: '“',
  rdquo: '”',
  bdquo: '„',
  laquo: '«',
  raquo: '»',
  lsaquo: '‹',
  rsaquo: '›',
  bull: '•',
  middot: '·',
  deg: '°',
  plusmn: '±',
  times: '×',
  divide: '÷',
  micro: 'µ',
  para: '¶',
  sect: '§',
  euro: '€',
  pound: '£',
  yen: '¥',
  cent: '¢',
  iexcl: '¡',
  iquest: '¿',
  frac12: '½',
  frac14: '¼',
  frac34: '¾',
  sup2: '²',
  sup3: '³',
  larr: '←',
  rarr: '→',
  uarr: '↑',
  darr: '↓',
  hearts: '♥',
  check: '✓',
  auml: 'ä',
  ouml: 'ö',
  uuml: 'ü',
  Auml: 'Ä',
  Ouml: 'Ö',
  Uuml: 'Ü',
  szlig: 'ß',
  eacute: 'é',
  egrave: 'è',
  ecirc: 'ê',
  Eacute: 'É',
  aacute: 'á',
  agrave: 'à',
  acirc: 'â',
  iacute: 'í',
  oacute: 'ó',
  ocirc: 'ô',
  uacute: 'ú',
  ccedil: 'ç',
  Ccedil: 'Ç',
  ntilde: 'ñ',
  Ntilde: 'Ñ',
  aring: 'å',
  Aring: 'Å',
  aelig: 'æ',
  oslash: 'ø',
  Oslash: 'Ø',
};

/** Decodes named (common ones) and numeric character references. Unknown names stay as written. */
export function decodeEntities(text: string): string {
  return text.replace(/&(#[xX][0-9a-fA-F]{1,6}|#[0-9]{1,7}|[a-zA-Z][a-zA-Z0-9]{1,31});?/g, (match, name: string) => {
    if (name.startsWith('#')) {
      const code =
        name[1] === 'x' || name[1] === 'X' ? Number.parseInt(name.slice(2), 16) : Number.parseInt(name.slice(1), 10);
      // NUL, surrogates and out-of-range values are invalid references (HTML: U+FFFD).
      if (code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return '\ufffd';
      return String.fromCodePoint(code);
    }
    return NAMED_ENTITIES[name] ?? match;
  });
}

// Elements whose content is never shown to a reader.
const HIDDEN_ELEMENTS = /<(script|style|head|title|template|noscript|object|svg)\b[^>]*>[\s\S]*?<\/\1\s*>/gi;
// Elements that start a new paragraph (blank line) or a new line.
const PARAGRAPH_TAGS = /<\/?(p|h[1-6]|blockquote|table|ul|ol|dl|pre|hr|address|figure)\b[^>]*>/gi;
const LINE_TAGS =
  /<\/?(div|tr|section|article|header|footer|nav|aside|main|center|dt|dd|caption|form|fieldset)\b[^>]*>/gi;
const PRE_BLOCK = /<pre\b[^>]*>([\s\S]*?)<\/pre\s*>/gi;
const ANCHOR = /<a\b([^>]*)>([\s\S]*?)<\/a\s*>/gi;
// Tags, and declarations like <!DOCTYPE> or <?xml?> (comments are gone by then).
const ANY_TAG = /<\/?[a-zA-Z][^>]*>|<[!?][^>]*>/g;

function attribute(attributes: string, name: string): string | undefined {
  const match = new RegExp(`\\b${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)'|([^\\s>]+))`, 'i').exec(attributes);
  const value = match?.[1] ?? match?.[2] ?? match?.[3];
  return value === undefined ? undefined : decodeEntities(value).trim();
}

function stripTags(html: string): string {
  return html.replace(ANY_TAG, '');
}

/** "text (url)" for a link, or just the text when the URL adds nothing. */
function renderAnchor(attributes: string, inner: string): string {
  const href = attribute(attributes, 'href');
  if (!href || !/^(https?:|mailto:)/i.test(href)) return inner;
  const text = decodeEntities(stripTags(inner)).replace(/\s+/g, ' ').trim();
  const target = href.replace(/^mailto:/i, '');
  if (text === '') return ` ${target} `;
  if (text === href || text === target || text === href.replace(/^https?:\/\//i, '').replace(/\/$/, '')) return inner;
  return `${inner} (${target})`;
}

/** Converts an HTML document or fragment to readable plain text. */
export function htmlToText(html: string): string {
  // <pre> keeps its own line breaks and spacing: set it aside before whitespace collapses.
  const preserved: string[] = [];
  // A private-use character marks the set-aside blocks, so any in the input goes first.
  let text = html
    .replace(/\uE000/g, '')
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(HIDDEN_ELEMENTS, ' ');
  text = text.replace(PRE_BLOCK, (_match, inner: string) => {
    preserved.push(decodeEntities(stripTags(inner.replace(/<br\b[^>]*>/gi, '\n'))));
    return `\n\n\uE000${preserved.length - 1}\uE000\n\n`;
  });

  // Source line breaks mean nothing in HTML; only tags make lines.
  text = text.replace(/\s+/g, ' ');
  text = text.replace(ANCHOR, (_match, attributes: string, inner: string) => renderAnchor(attributes, inner));
  text = text.replace(/<img\b([^>]*)>/gi, (_match, attributes: string) => {
    const alt = attribute(attributes, 'alt');
    return alt ? ` [${alt}] ` : ' ';
  });
  text = text
    .replace(/<br\b[^>]*>/gi, '\n')
    .replace(/<li\b[^>]*>/gi, '\n- ')
    .replace(/<\/li\s*>/gi, '')
    .replace(/<\/(td|th)\s*>/gi, ' \t')
    .replace(PARAGRAPH_TAGS, '\n\n')
    .replace(LINE_TAGS, '\n');
  text = decodeEntities(stripTags(text));

  text = text
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
