import { describe, expect, it } from 'vitest';
import { impliedApplicationType, isRegisteredRedirectUri, redirectUriProblem } from '#lib/oauth/redirect-uris';

const accepted = (uri: string, type: 'web' | 'native', allowLoopbackHttp = false) =>
  redirectUriProblem(uri, type, allowLoopbackHttp) === undefined;

describe('redirect URIs a client may register', () => {
  // Whether a web client, a web client under the OAUTH_ALLOW_LOOPBACK_HTTP dev setting, and
  // a native client may register each URI.
  it.each<[string, boolean, boolean, boolean]>([
    // https: any client.
    ['https://chatgpt.com/connector/oauth/abc123', true, true, true],
    ['https://claude.ai/api/mcp/auth_callback', true, true, true],
    ['https://app.example/cb?tenant=a%20b', true, true, true],
    // Loopback http: native clients (RFC 8252 §7.3), web clients only under the dev setting.
    ['http://127.0.0.1:33418/callback', false, true, true],
    ['http://localhost:6274/oauth/callback', false, true, true],
    ['http://[::1]:8080/cb', false, true, true],
    ['http://127.0.0.1/callback', false, true, true],
    // Private-use schemes in reverse-domain form (RFC 8252 §7.1): native clients only.
    ['com.example.app:/oauth2redirect/example-provider', false, false, true],
    ['com.googleusercontent.apps.123:/cb', false, false, true],
    ['io.modelcontextprotocol.inspector://callback', false, false, true],
    // Everything else, for every client: schemes that run or read something, no-period schemes.
    ['search-ms:query=invoice&crumb=location:%5C%5Cevil.example%5Cshare', false, false, false],
    ['ms-msdt:/id', false, false, false],
    ['ms-officecmd:open', false, false, false],
    ['x-javascript:alert(1)', false, false, false],
    ['chrome://settings', false, false, false],
    ['view-source:https://example.com/', false, false, false],
    ['javascript:alert(1)', false, false, false],
    ['data:text/html,hi', false, false, false],
    ['file:///etc/passwd', false, false, false],
    ['vbscript:msgbox', false, false, false],
    ['about:blank', false, false, false],
    ['blob:https://example.com/1', false, false, false],
    ['cursor://anysphere.cursor-retrieval/oauth/callback', false, false, false],
    ['http://example.com/callback', false, false, false],
    ['https://example.com/cb#fragment', false, false, false],
    ['https://user:pw@example.com/cb', false, false, false],
    ['https://user@example.com/cb', false, false, false],
    ['not a url', false, false, false],
    ['/relative/callback', false, false, false],
  ])('%s: web %s, web under the dev setting %s, native %s', (uri, web, webDev, native) => {
    expect(accepted(uri, 'web')).toBe(web);
    expect(accepted(uri, 'web', true)).toBe(webDev);
    expect(accepted(uri, 'native')).toBe(native);
  });

  it.each([
    ' https://example.com/cb',
    'https://example.com/cb\n',
    'https://example.com/cb\r\n',
    'https://exam\tple.com/cb',
    'https://example.com/c b',
    'https://example.com/cb\u202e',
    'https://example.com/\u200bcb',
    'https://exämple.com/cb',
    'https://example.com/cb%zz',
  ])('refuses a URI not written exactly, even where the URL parser would quietly fix it: %j', (uri) => {
    expect(URL.canParse(uri) || uri.includes('%zz')).toBe(true);
    expect(accepted(uri, 'native', true)).toBe(false);
  });
});

describe('matching the redirect URI of an authorization request', () => {
  const registered = ['http://127.0.0.1:7000/callback', 'https://app.example/cb'];

  it('lets a native client use its loopback URI on any port, with everything else the same', () => {
    expect(isRegisteredRedirectUri(registered, 'http://127.0.0.1:7000/callback', 'native')).toBe(true);
    expect(isRegisteredRedirectUri(registered, 'http://127.0.0.1:51234/callback', 'native')).toBe(true);
    expect(isRegisteredRedirectUri(registered, 'http://127.0.0.1/callback', 'native')).toBe(true);
    expect(isRegisteredRedirectUri(registered, 'http://127.0.0.1:51234/other', 'native')).toBe(false);
    expect(isRegisteredRedirectUri(registered, 'http://127.0.0.1:51234/callback?x=1', 'native')).toBe(false);
    expect(isRegisteredRedirectUri(registered, 'http://127.0.0.2:51234/callback', 'native')).toBe(false);
    expect(isRegisteredRedirectUri(registered, 'https://127.0.0.1:51234/callback', 'native')).toBe(false);
    expect(isRegisteredRedirectUri(registered, 'https://app.example:8443/cb', 'native')).toBe(false);
    expect(isRegisteredRedirectUri(registered, 'http://127.0.0.1:51234/callback\n', 'native')).toBe(false);
  });

  it('holds a web client to the exact URI it registered', () => {
    expect(isRegisteredRedirectUri(registered, 'http://127.0.0.1:7000/callback', 'web')).toBe(true);
    expect(isRegisteredRedirectUri(registered, 'http://127.0.0.1:51234/callback', 'web')).toBe(false);
    expect(isRegisteredRedirectUri(registered, 'https://app.example/cb/', 'web')).toBe(false);
  });
});

describe('the type of a client that did not say', () => {
  it.each([
    [['http://127.0.0.1:7000/callback'], 'native'],
    [['http://localhost:33418/', 'com.example.app:/cb'], 'native'],
    [['https://app.example/cb'], 'web'],
    [['https://app.example/cb', 'http://127.0.0.1:7000/callback'], 'web'],
    [['cursor://anysphere.cursor-retrieval/oauth/callback'], 'web'],
    [['not a uri'], 'web'],
  ])('%j is %s', (uris, type) => {
    expect(impliedApplicationType(uris)).toBe(type);
  });
});
