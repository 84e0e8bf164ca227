/** What every API Gateway event (HTTP or WebSocket) says about its body. */
export interface EventBody {
  body?: string | null | undefined;
  isBase64Encoded?: boolean | undefined;
}

/**
 * The request body as text. API Gateway base64-encodes bodies it does not take for text;
 * this is the one place a body is decoded, once per request, by whichever adapter runs.
 */
export function bodyText(event: EventBody): string {
  const raw = event.body ?? '';
  return event.isBase64Encoded ? Buffer.from(raw, 'base64').toString('utf8') : raw;
}

/** Reads headers by name, whatever case the client (or API Gateway) gave them. */
export function headerReader(headers: Record<string, string | undefined> | undefined) {
  const byName = new Map(Object.entries(headers ?? {}).map(([name, value]) => [name.toLowerCase(), value]));
  return (name: string): string | undefined => byName.get(name.toLowerCase());
}
