import { HttpResponse } from '../http/response.ts';
import { escapeHtml, PAGE_HEADERS, page } from '../web/page.ts';

/**
 * An OAuth error (RFC 6749 §5.2 codes) and how it is answered: JSON at the token,
 * registration and revocation endpoints, an HTML page at the browser-facing ones when
 * there is no redirect URI it may be sent to (never redirect to an unchecked URI).
 */
export class OAuthError extends Error {
  constructor(
    readonly code: string,
    readonly description: string,
    readonly status = 400,
    readonly headers: Record<string, string> = {},
  ) {
    super(`${code}: ${description}`);
    this.name = 'OAuthError';
  }

  /** The JSON answer `{error, error_description}`, never cached. */
  toJson(): HttpResponse {
    return new HttpResponse(
      this.status,
      { error: this.code, error_description: this.description },
      { 'Cache-Control': 'no-store', ...this.headers },
    );
  }

  /** An HTML page saying what went wrong, for a browser with nowhere safe to go. */
  toPage(): HttpResponse {
    // No link anywhere: the browser has nowhere safe to go.
    const body = `<h1>Sign-in failed</h1><p>${escapeHtml(this.description)}</p>`;
    return new HttpResponse(this.status, page('Sign-in failed', body), { ...PAGE_HEADERS });
  }
}

/** An error for the browser endpoints: always a page, never a redirect. */
export class OAuthPageError extends OAuthError {}
