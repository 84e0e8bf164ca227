/** The quality a client's `Accept` header gives a media type (exact match only; 0 when absent). */
function quality(accept: string, type: string): number {
  for (const entry of accept.split(',')) {
    const [name, ...params] = entry.split(';').map((part) => part.trim().toLowerCase());
    if (name !== type) continue;
    const q = params.find((param) => param.startsWith('q='));
    const value = q ? Number(q.slice(2)) : 1;
    return Number.isFinite(value) ? value : 0;
  }
  return 0;
}

/**
 * Whether a request asks for a page rather than JSON: its `Accept` names `text/html` and
 * prefers it to `application/json`. Browsers name `text/html` first; programs (fetch,
 * curl, OpenAI's Actions) send `*∕*` or `application/json`, so they keep getting JSON.
 */
export function prefersHtml(accept: string | undefined): boolean {
  if (!accept) return false;
  const html = quality(accept, 'text/html');
  return html > 0 && html >= quality(accept, 'application/json');
}
