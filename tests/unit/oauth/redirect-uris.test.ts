import { describe, expect, it } from 'vitest';
import { isRegisteredRedirectUri, redirectUriProblem } from '#lib/oauth/redirect-uris';

const accepted = (uri: string, type: 'web' | 'native', allowLoopbackHttp = false) =>
  redirectUriProblem(uri, type, allowLoopbackHttp) === undefined;

describe('redirect URIs a client may register', () => {
  it.each([
    'https://chatgpt.com/connector/oauth/abc123',
    'https://claude.ai/api/mcp/auth_callback',
    'https://app.example/cb?tenant=a%20b',
  ])('takes https from any client: %s', (uri) => {
    expect(accepted(uri, 'web')).toBe(true);
    expect(accepted(uri, 'native')).toBe(true);
  });

  it.each([
    'http://127.0.0.1:33418/callback',
    'http://localhost:6274/oauth/callback',
    'http://[::1]:8080/cb',
    'http://127.0.0.1/callback',
  ])('takes loopback http from native clients, and from web clients only where the dev setting allows: %s', (uri) => {
    expect(accepted(uri, 'native')).toBe(true);
    expect(accepted(uri, 'web')).toBe(false);
    expect(accepted(uri, 'web', true)).toBe(true);
  });

  it.each([
    'com.example.app:/oauth2redirect/example-provider',
    'com.googleusercontent.apps.123:/cb',
    'io.modelcontextprotocol.inspector://callback',
  ])('takes a private-use scheme in reverse-domain form from native clients only: %s', (uri) => {
    expect(accepted(uri, 'native')).toBe(true);
    expect(accepted(uri, 'web', true)).toBe(false);
  });

  it.each([
    'search-ms:query=invoice&crumb=location:\\\\evil.example\\share',
    'ms-msdt:/id PCWDiagnostic',
    'ms-officecmd:{"id":3}',
    'x-javascript:alert(1)',
    'chrome://settings',
    'view-source:https://example.com/',
    'javascript:alert(1)',
    'data:text/html,hi',
    'file:///etc/passwd',
    'vbscript:msgbox',
    'about:blank',
    'blob:https://example.com/1',
    'cursor://anysphere.cursor-retrieval/oauth/callback',
    'http://example.com/callback',
    'https://example.com/cb#fragment',
    'https://user:pw@example.com/cb',
    'https://user@example.com/cb',
    'not a url',
    '/relative/callback',
  ])('refuses anything else, for every client: %s', (uri) => {
    expect(accepted(uri, 'native', true)).toBe(false);
    expect(accepted(uri, 'web', true)).toBe(false);
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
