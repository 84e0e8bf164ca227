import type { WebRequest } from '../http/web-handler.ts';

/**
 * One host for a whole browser flow. Google, and our own forms, send the person back to
 * the canonical address (`base`, from PUBLIC_URL), so a page opened at another host name
 * (127.0.0.1 for localhost) must move there before it sets any cookie, or the cookie is on
 * a host the next step never sees. Answers where to send a GET that arrived elsewhere (the
 * same path and query on the canonical host, never anywhere else), or undefined when it is
 * already there (or is not a GET: a post is never bounced, as the browser would drop its body).
 */
export function canonicalLocation(request: WebRequest, base: string): string | undefined {
  const { event } = request;
  const host = request.header('host');
  if (event.requestContext.http.method !== 'GET' || host === undefined || host === new URL(base).host) return undefined;
  return `${base}${event.rawPath}${event.rawQueryString ? `?${event.rawQueryString}` : ''}`;
}
