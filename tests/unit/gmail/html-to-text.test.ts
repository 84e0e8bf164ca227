import { describe, expect, it } from 'vitest';
import { decodeEntities, htmlToText } from '#lib/gmail/html-to-text';

/** Each behaviour of htmlToText, with the conversions that show it: [html, the text it becomes]. */
const BEHAVIOURS: Record<string, [html: string, text: string][]> = {
  'drops scripts, styles, the head and comments entirely': [
    [
      '<html><head><title>T</title><style>p{color:red}</style></head><body><script>alert("x")</script><!-- hidden --><p>Visible</p></body></html>',
      'Visible',
    ],
  ],
  'ends a <head> left open where the content starts, as browsers do': [
    ['<head><title>T</title><style>p{}</style>Hello', 'Hello'],
    ['<html><head><meta charset="utf-8"><p>Body</p>', 'Body'],
    ['<head><title>Only a title</title>', ''],
  ],
  'keeps paragraphs as blank lines and <br> as line breaks, ignoring source newlines': [
    ['<p>One\n two</p><p>Three<br>Four</p>', 'One two\n\nThree\nFour'],
  ],
  'decodes named and numeric entities after removing tags, so escaped markup stays text': [
    ['<p>&lt;b&gt; &amp; caf&eacute; &#8364;5 &#x1F389; &nbsp;x</p>', '<b> & café €5 🎉 x'],
  ],
  'keeps a link target beside its text, once': [
    ['<a href="https://a.example/x?y=1&amp;z=2">Open</a>', 'Open (https://a.example/x?y=1&z=2)'],
    ['<a href="https://a.example/">https://a.example/</a>', 'https://a.example/'],
    ['<a href="mailto:bob@example.com">bob@example.com</a>', 'bob@example.com'],
    ['<a href="javascript:evil()">Click</a>', 'Click'],
  ],
  'renders list items as dashes and keeps <pre> formatting': [
    ['<ul><li>A</li><li>B</li></ul><pre>  x = 1\n  y = 2</pre>', '- A\n- B\n\n  x = 1\n  y = 2'],
  ],
  'shows an image only by its alt text': [
    ['<p>Logo: <img src="cid:x" alt="ACME"></p><img src="track.gif">', 'Logo: [ACME]'],
  ],
  'removes a doctype and leaves plain text alone': [
    ['<!DOCTYPE html>Hello', 'Hello'],
    ['no markup at all', 'no markup at all'],
  ],
};

describe('htmlToText', () => {
  it.each(Object.entries(BEHAVIOURS))('%s', (_behaviour, conversions) => {
    for (const [html, text] of conversions) expect(htmlToText(html), html).toBe(text);
  });
});

describe('decodeEntities', () => {
  it('leaves unknown names as written and replaces invalid code points', () => {
    expect(decodeEntities('&unknown; &#0; &#xD800; &amp')).toBe('&unknown; \ufffd \ufffd &');
  });
});
