/**
 * Where a client may have its authorization answers sent. A redirect URI is the one place
 * our domain sends a browser on a client's word, so only three kinds are taken:
 * - https (any client);
 * - http on a loopback host (native clients, RFC 8252 §7.3; a web client only where the
 *   deployment's OAUTH_ALLOW_LOOPBACK_HTTP dev setting allows it);
 * - a private-use scheme in reverse-domain form, `com.example.app:/callback` (native
 *   clients, RFC 8252 §7.1: a scheme without a period is refused), which leaves out every
 *   scheme a browser or an OS runs or reads something with (`javascript:`, `search-ms:`,
 *   `ms-msdt:`, `chrome:`, `view-source:`...).
 * A URI must be written exactly: RFC 3986 characters only, no whitespace, no fragment, no
 * user name or password.
 */

/** OpenID Connect Dynamic Client Registration's `application_type`. */
export const APPLICATION_TYPES = ['web', 'native'] as const;
export type ApplicationType = (typeof APPLICATION_TYPES)[number];

/** RFC 3986's characters (unreserved, reserved and `%`); anything else means the URI is not exactly written. */
const URI_CHARACTERS = /^[A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=%]+$/;
const BAD_PERCENT = /%(?![0-9A-Fa-f]{2})/;
/** A private-use scheme as RFC 8252 §7.1 wants it: a domain name reversed, so at least one period. */
const REVERSE_DOMAIN_SCHEME = /^[a-z][a-z0-9-]*(\.[a-z0-9-]+)+:$/;

function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '');
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

function isLoopbackHttp(url: URL): boolean {
  return url.protocol === 'http:' && isLoopbackHost(url.hostname);
}

/**
 * The type of a client that did not say: native when every redirect URI is one only a
 * native app can receive (loopback http, a private-use scheme), as the MCP clients that
 * predate `application_type` register (Claude Code, VS Code, MCP Inspector); else web, the
 * registration default. A web client gains nothing by this: it could say "native" itself.
 */
export function impliedApplicationType(redirectUris: readonly string[]): ApplicationType {
  const nativeOnly = redirectUris.every((uri) => {
    if (!URL.canParse(uri)) return false;
    const url = new URL(uri);
    return isLoopbackHttp(url) || REVERSE_DOMAIN_SCHEME.test(url.protocol);
  });
  return nativeOnly ? 'native' : 'web';
}

/**
 * Why `value` may not be a redirect URI of a client of `type`, or undefined when it may.
 * `allowLoopbackHttp` is the deployment's dev setting letting web clients use loopback http.
 */
export function redirectUriProblem(
  value: string,
  type: ApplicationType,
  allowLoopbackHttp: boolean,
): string | undefined {
  if (!URI_CHARACTERS.test(value) || BAD_PERCENT.test(value))
    return 'must be written exactly: no spaces, line breaks or characters outside RFC 3986';
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'must be an absolute URI';
  }
  if (value.includes('#')) return 'must not have a fragment';
  if (url.username !== '' || url.password !== '') return 'must not carry a user name or password';
  if (url.protocol === 'https:') return url.hostname === '' ? 'must name a host' : undefined;
  if (isLoopbackHttp(url)) {
    if (type === 'native' || allowLoopbackHttp) return undefined;
    return 'http is only for native clients (application_type "native") on a loopback host';
  }
  if (url.protocol === 'http:') return 'must be https (plain http only on a loopback host, for native clients)';
  if (!REVERSE_DOMAIN_SCHEME.test(url.protocol))
    return 'must be https, loopback http, or a private-use scheme in reverse-domain form (com.example.app:/callback)';
  if (type !== 'native') return 'a private-use scheme is only for native clients (application_type "native")';
  return undefined;
}

/**
 * Whether `requested` is one of a client's `registered` redirect URIs: exactly, except that
 * a native client's loopback http URI matches on any port (RFC 8252 §7.3: the port is
 * chosen when the app starts listening). Scheme, host, path and query still match.
 */
export function isRegisteredRedirectUri(
  registered: readonly string[],
  requested: string,
  type: ApplicationType,
): boolean {
  if (registered.includes(requested)) return true;
  if (type !== 'native' || redirectUriProblem(requested, type, false) !== undefined) return false;
  const asked = new URL(requested);
  if (!isLoopbackHttp(asked)) return false;
  const portless = (url: URL) => `${url.protocol}//${url.hostname}${url.pathname}${url.search}`;
  return registered.some((uri) => {
    if (!URL.canParse(uri)) return false;
    const url = new URL(uri);
    return isLoopbackHttp(url) && portless(url) === portless(asked);
  });
}
