import { randomUUID } from 'node:crypto';

/** A message to upload: Gmail takes `message/rfc822` on its upload path. */
export interface Media {
  mimeType: string;
  body: Uint8Array | string;
}

/** A request body ready for fetch, with its content type. */
export interface EncodedBody {
  contentType: string;
  body: Uint8Array | string;
}

type QueryValue = string | number | boolean | null | undefined | readonly (string | number | boolean)[];

/**
 * The query string of a Gmail call: every parameter not used in the path, a repeated
 * parameter once per value (`metadataHeaders=From&metadataHeaders=To`, `labelIds=…`), as
 * Google's REST reference declares them ("string, repeated") and its system parameters page
 * describes; undefined and null are left out. URLSearchParams does the escaping.
 */
export function queryString(params: Readonly<Record<string, unknown>>): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params) as [string, QueryValue][]) {
    if (value === undefined || value === null) continue;
    for (const one of Array.isArray(value) ? value : [value]) query.append(key, String(one));
  }
  // A space as %20, not the form encoding's `+`: unambiguous to any URL reader (a literal
  // plus is already %2B).
  const text = query.toString().replace(/\+/g, '%20');
  return text === '' ? '' : `?${text}`;
}

/**
 * Fills `{name}` placeholders of a Gmail path (`users/{userId}/messages/{id}`) from
 * `params`, each value percent-encoded, and returns the parameters left for the query.
 */
export function fillPath(
  template: string,
  params: Readonly<Record<string, unknown>>,
): { path: string; rest: Record<string, unknown> } {
  const rest: Record<string, unknown> = { ...params };
  const path = template.replace(/\{(\w+)\}/g, (_match, name: string) => {
    const value = rest[name];
    delete rest[name];
    if (typeof value !== 'string' || value === '') throw new TypeError(`Gmail call is missing its ${name}`);
    return encodeURIComponent(value);
  });
  return { path, rest };
}

const CRLF = '\r\n';

/**
 * A `multipart/related` upload body: the JSON metadata part, then the media part, as
 * Google's upload guide describes (https://developers.google.com/workspace/gmail/api/guides/uploads,
 * "Multipart upload"). The boundary is random and checked against the content.
 */
export function multipartBody(metadata: unknown, media: Media): EncodedBody {
  const content =
    typeof media.body === 'string'
      ? Buffer.from(media.body, 'utf8')
      : Buffer.from(media.body.buffer, media.body.byteOffset, media.body.byteLength);
  let boundary = `gmail-${randomUUID()}`;
  while (content.includes(boundary)) boundary = `gmail-${randomUUID()}`;
  const head =
    `--${boundary}${CRLF}Content-Type: application/json; charset=UTF-8${CRLF}${CRLF}` +
    `${JSON.stringify(metadata)}${CRLF}` +
    `--${boundary}${CRLF}Content-Type: ${media.mimeType}${CRLF}${CRLF}`;
  return {
    contentType: `multipart/related; boundary=${boundary}`,
    body: Buffer.concat([Buffer.from(head, 'utf8'), content, Buffer.from(`${CRLF}--${boundary}--`, 'utf8')]),
  };
}
