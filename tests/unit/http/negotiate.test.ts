import { describe, expect, it } from 'vitest';
import { prefersHtml } from '#lib/http/negotiate';

describe('prefersHtml', () => {
  it('is true for what browsers send when they navigate', () => {
    // Chromium and Firefox navigation requests.
    expect(prefersHtml('text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8')).toBe(
      true,
    );
    expect(prefersHtml('text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8')).toBe(true);
  });

  it('is false for programs: no Accept, */*, JSON, or JSON preferred to HTML', () => {
    expect(prefersHtml(undefined)).toBe(false);
    expect(prefersHtml('')).toBe(false);
    expect(prefersHtml('*/*')).toBe(false);
    expect(prefersHtml('application/json')).toBe(false);
    expect(prefersHtml('application/json, text/html;q=0.5')).toBe(false);
    expect(prefersHtml('text/html;q=0')).toBe(false);
  });

  it('reads case and spacing loosely, and a bad q as refusal', () => {
    expect(prefersHtml('Text/HTML ; q=0.9 , application/json;q=0.1')).toBe(true);
    expect(prefersHtml('text/html;q=abc')).toBe(false);
  });
});
