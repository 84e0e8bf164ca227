import { describe, expect, it } from 'vitest';
import { decodeEntities, htmlToText } from '#lib/gmail/html-to-text';

describe('htmlToText', () => {
  it('drops scripts, styles, the head and comments entirely', () => {
    const html =
      '<html><head><title>T</title><style>p{color:red}</style></head><body><script>alert("x")</script><!-- hidden --><p>Visible</p></body></html>';
    expect(htmlToText(html)).toBe('Visible');
  });

  it('ends a <head> left open where the content starts, as browsers do', () => {
    expect(htmlToText('<head><title>T</title><style>p{}</style>Hello')).toBe('Hello');
    expect(htmlToText('<html><head><meta charset="utf-8"><p>Body</p>')).toBe('Body');
    expect(htmlToText('<head><title>Only a title</title>')).toBe('');
  });

  it('keeps paragraphs as blank lines and <br> as line breaks, ignoring source newlines', () => {
    expect(htmlToText('<p>One\n two</p><p>Three<br>Four</p>')).toBe('One two\n\nThree\nFour');
  });

  it('decodes named and numeric entities after removing tags, so escaped markup stays text', () => {
    expect(htmlToText('<p>&lt;b&gt; &amp; caf&eacute; &#8364;5 &#x1F389; &nbsp;x</p>')).toBe('<b> & café €5 🎉 x');
  });

  it('keeps a link target beside its text, once', () => {
    expect(htmlToText('<a href="https://a.example/x?y=1&amp;z=2">Open</a>')).toBe('Open (https://a.example/x?y=1&z=2)');
    expect(htmlToText('<a href="https://a.example/">https://a.example/</a>')).toBe('https://a.example/');
    expect(htmlToText('<a href="mailto:bob@example.com">bob@example.com</a>')).toBe('bob@example.com');
    expect(htmlToText('<a href="javascript:evil()">Click</a>')).toBe('Click');
  });

  it('renders list items as dashes and keeps <pre> formatting', () => {
    expect(htmlToText('<ul><li>A</li><li>B</li></ul><pre>  x = 1\n  y = 2</pre>')).toBe('- A\n- B\n\n  x = 1\n  y = 2');
  });

  it('shows an image only by its alt text', () => {
    expect(htmlToText('<p>Logo: <img src="cid:x" alt="ACME"></p><img src="track.gif">')).toBe('Logo: [ACME]');
  });

  it('removes a doctype and leaves plain text alone', () => {
    expect(htmlToText('<!DOCTYPE html>Hello')).toBe('Hello');
    expect(htmlToText('no markup at all')).toBe('no markup at all');
  });
});

describe('decodeEntities', () => {
  it('leaves unknown names as written and replaces invalid code points', () => {
    expect(decodeEntities('&unknown; &#0; &#xD800; &amp')).toBe('&unknown; \ufffd \ufffd &');
  });
});
