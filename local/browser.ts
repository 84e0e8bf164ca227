import { createHash, randomBytes } from 'node:crypto';

/**
 * A browser stand-in for the OAuth sign-in (tests and the bench): follows redirects by hand, keeps cookies, and
 * answers the broker's consent page the way a user clicking "Allow" would.
 */
export class Browser {
  private readonly cookies = new Map<string, string>();
  /** Every URL visited, in order (the test checks where the flow went). */
  readonly visited: string[] = [];

  async request(url: string, init: RequestInit = {}): Promise<Response> {
    this.visited.push(url);
    const headers = new Headers(init.headers);
    if (this.cookies.size > 0)
      headers.set('cookie', [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; '));
    const response = await fetch(url, { ...init, headers, redirect: 'manual' });
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const at = pair.indexOf('=');
      if (at > 0) this.cookies.set(pair.slice(0, at).trim(), pair.slice(at + 1).trim());
    }
    return response;
  }

  /** Follows 3xx answers until one leaves for `stopAt` (not fetched) or answers something else. */
  async follow(response: Response, stopAt: string): Promise<{ response: Response; location?: string }> {
    let current = response;
    for (let hops = 0; hops < 10; hops++) {
      const location = current.headers.get('location');
      if (current.status < 300 || current.status >= 400 || !location) return { response: current };
      const next = new URL(location, current.url).toString();
      if (next.startsWith(stopAt)) return { response: current, location: next };
      current = await this.request(next);
    }
    throw new Error('too many redirects');
  }

  /** Reads the consent page's form (its action and hidden request id). */
  static consentForm(html: string): { action: string; request: string } {
    const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1];
    const request = /name="request" value="([^"]+)"/.exec(html)?.[1];
    if (!action || !request) throw new Error(`no consent form in: ${html.slice(0, 300)}`);
    return { action: action.replaceAll('&#38;', '&'), request };
  }

  /** Submits the consent form with `decision` (and any extra fields an attacker might add). */
  async answerConsent(html: string, decision: 'approve' | 'deny', extra: Record<string, string> = {}) {
    const form = Browser.consentForm(html);
    return this.request(form.action, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ request: form.request, decision, ...extra }).toString(),
    });
  }

  /**
   * The whole interactive part: open the authorization URL, allow on the consent page,
   * pass Google's (the emulator's) consent, and return where the broker finally sent the
   * browser: the client's redirect URI with `code` (or `error`).
   */
  async signIn(authorizationUrl: string, redirectUri: string): Promise<URL> {
    // A URL at another host name than the broker's canonical one is first sent there.
    const { response: consent } = await this.follow(await this.request(authorizationUrl), redirectUri);
    if (consent.status !== 200) throw new Error(`consent page answered ${consent.status}: ${await consent.text()}`);
    const approved = await this.answerConsent(await consent.text(), 'approve');
    const { location, response } = await this.follow(approved, redirectUri);
    if (!location) throw new Error(`sign-in ended at ${response.status}: ${await response.text()}`);
    return new URL(location);
  }
}

/** PKCE pair for hand-made authorization requests. */
export function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}
