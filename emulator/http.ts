import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * Small node:http helpers shared by the route files: reading bodies, answering JSON,
 * and an error that carries a complete response so handlers can `throw` one.
 */

/** A response to send instead of the handler's result: status, JSON (or text) body, headers. */
export class HttpError extends Error {
  readonly status: number;
  readonly body: unknown;
  readonly headers: Readonly<Record<string, string>>;

  constructor(status: number, body: unknown, headers: Record<string, string> = {}) {
    super(`HTTP ${status}`);
    this.status = status;
    this.body = body;
    this.headers = headers;
  }
}

/** Query string values: a repeated parameter (`a=1&a=2`) becomes an array. */
export type QueryObject = Record<string, string | string[]>;

export function queryObject(params: URLSearchParams): QueryObject {
  const result: QueryObject = {};
  for (const key of new Set(params.keys())) {
    const values = params.getAll(key);
    result[key] = values.length === 1 && values[0] !== undefined ? values[0] : values;
  }
  return result;
}

/** Gmail's upload limit is 35 MB of message; leave room for multipart framing. */
const MAX_BODY_BYTES = 50 * 1024 * 1024;

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
    size += buffer.length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, { error: { code: 413, message: 'Request too large.' } });
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

/** Sends a JSON value (or a string as-is) with the given status and extra headers. */
export function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const isText = typeof body === 'string';
  const payload = body === undefined ? '' : isText ? body : JSON.stringify(body);
  const hasType = Object.keys(headers).some((name) => name.toLowerCase() === 'content-type');
  const all: Record<string, string | number> = {
    ...(hasType || body === undefined
      ? {}
      : { 'Content-Type': isText ? 'text/plain; charset=UTF-8' : 'application/json; charset=UTF-8' }),
    'Content-Length': Buffer.byteLength(payload),
    ...headers,
  };
  // Set one by one (not through writeHead) so the traffic log can read Content-Length back.
  res.statusCode = status;
  for (const [name, value] of Object.entries(all)) res.setHeader(name, value);
  res.end(payload);
}

/** The value of a header, first one if repeated. */
export function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

/** The token of an `Authorization: Bearer <token>` header, if any. */
export function bearerToken(req: IncomingMessage): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header(req, 'authorization') ?? '');
  return match?.[1];
}

/** Parses a JSON body; an empty body is `{}`. Malformed JSON becomes the given error. */
export function parseJsonBody(body: Buffer, onError: () => HttpError): unknown {
  const text = body.toString('utf8').trim();
  if (text === '') return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw onError();
  }
}

/** Form fields from an `application/x-www-form-urlencoded` body. */
export function formBody(body: Buffer): URLSearchParams {
  return new URLSearchParams(body.toString('utf8'));
}
