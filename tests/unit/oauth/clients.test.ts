import { describe, expect, it } from 'vitest';
import { parseConfig } from '#lib/config';
import { isMetadataDocumentUrl, sourceNetwork } from '#lib/oauth/clients';
import { escapeHtml } from '#lib/web/page';

describe('client ID metadata document URLs', () => {
  it('are https URLs with a path; http://127.0.0.1 only where config allows it', () => {
    const strict = parseConfig({});
    const tests = parseConfig({ OAUTH_ALLOW_LOOPBACK_HTTP: 'true' });
    expect(isMetadataDocumentUrl('https://chatgpt.com/oauth/abc/client.json', strict)).toBe(true);
    expect(isMetadataDocumentUrl('https://chatgpt.com/', strict)).toBe(false);
    expect(isMetadataDocumentUrl('mcp-client-abc', strict)).toBe(false);
    expect(isMetadataDocumentUrl('http://127.0.0.1:8080/client.json', strict)).toBe(false);
    expect(isMetadataDocumentUrl('http://127.0.0.1:8080/client.json', tests)).toBe(true);
    expect(isMetadataDocumentUrl('https://user:pw@example.com/client.json', strict)).toBe(false);
    expect(isMetadataDocumentUrl('https://EXAMPLE.com/client.json', strict)).toBe(false);
    expect(isMetadataDocumentUrl('https://example.com/a/../client.json', strict)).toBe(false);
    expect(isMetadataDocumentUrl(' https://example.com/client.json', strict)).toBe(false);
  });
});

describe('the source network registrations are counted for', () => {
  it.each([
    ['203.0.113.7', '203.0.113.7'],
    ['::ffff:203.0.113.7', '203.0.113.7'],
    ['2001:db8:1:2:3:4:5:6', '2001:db8:1:2::/64'],
    ['2001:db8:1:2::9', '2001:db8:1:2::/64'],
    ['2001:db8:0001:0002:ffff::1', '2001:db8:1:2::/64'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
  ])('%s counts as %s', (source, network) => {
    expect(sourceNetwork(source)).toBe(network);
  });
});

describe('escapeHtml', () => {
  it('leaves no character that opens a tag, an attribute or an entity', () => {
    const escaped = escapeHtml(`<img src=x onerror="a('b')">&\``);
    expect(escaped).not.toMatch(/[<>"'&`](?!#\d+;)/);
    expect(escaped).toBe('&#60;img src=x onerror=&#34;a(&#39;b&#39;)&#34;&#62;&#38;&#96;');
  });
});
