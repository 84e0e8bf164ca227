/** What Google's token endpoint answered: its status and body (JSON when it parses, else the text). */
export interface TokenEndpointAnswer {
  status: number;
  ok: boolean;
  data: unknown;
  headers: Headers;
}

/**
 * One form POST to Google's OAuth token endpoint (`token` under `GOOGLE_OAUTH_URL`), as
 * Google documents its grants (https://developers.google.com/identity/protocols/oauth2/web-server):
 * the code exchange and the refresh grant of the MCP sign-in (lib/oauth/google.ts), and the
 * refresh the Gmail client makes on a 401 (lib/gmail/rest/token.ts). A network failure or an
 * abort is thrown as fetch threw it, for each caller to name in its own error model; nothing
 * of the request (which holds a secret) goes into what is answered or thrown here.
 */
export async function postToTokenEndpoint(
  oauthRoot: string,
  form: Record<string, string>,
  signal: AbortSignal,
): Promise<TokenEndpointAnswer> {
  const response = await fetch(new URL('token', oauthRoot), {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
    body: new URLSearchParams(form),
    signal,
  });
  const text = await response.text();
  let data: unknown = text === '' ? undefined : text;
  try {
    if (text !== '') data = JSON.parse(text);
  } catch {
    // Not JSON (a proxy's error page): the text is what there is.
  }
  return { status: response.status, ok: response.ok, data, headers: response.headers };
}
