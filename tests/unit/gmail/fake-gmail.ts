import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import PostalMime from 'postal-mime';
import { afterEach, beforeEach } from 'vitest';
import { type Config, parseConfig } from '#lib/config';
import { createGmailClient, type GmailClient } from '#lib/gmail/client';
import { findAttachment, formatMessage } from '../../../emulator/gmail-format.ts';
import { parseMail } from '../../../emulator/message.ts';

/**
 * A tiny stand-in for the few Gmail REST routes the operations use, served by a real HTTP
 * server on port 0, so tests drive the official client over the wire. Not the project's
 * emulator: just enough to observe what our code sends and to answer it.
 */

export interface StoredMessage {
  id: string;
  threadId: string;
  labelIds: string[];
  internalDate: string;
  snippet: string;
  raw: Buffer;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface FakeGmail {
  url: string;
  config: Config;
  messages: Map<string, StoredMessage>;
  /** Message ids `messages.list` answers, in order (default: every stored message). */
  listIds?: string[];
  nextPageToken?: string;
  profileEmail: string;
  requests: RecordedRequest[];
  sent: Array<{ raw: Buffer; threadId?: string; upload: boolean; uploadType?: string | null }>;
  /** Answer before the normal routes, e.g. to inject errors; undefined falls through. */
  intercept?: (request: RecordedRequest) => Reply | undefined | Promise<Reply | undefined>;
  /** Delay for messages.get answers, to make parallel fetches observable. */
  getDelayMs: number;
  /** Delay for messages.attachments.get answers (a slow Gmail on large text parts). */
  attachmentDelayMs: number;
  peakConcurrentGets: number;
  close(): Promise<void>;
}

const json = (status: number, body: unknown): Reply => ({ status, body });
const notFound = () =>
  json(404, { error: { code: 404, message: 'Requested entity was not found.', errors: [{ reason: 'notFound' }] } });

function multipartParts(body: Buffer, contentType: string): Buffer[] {
  const boundary = /boundary=([^;]+)/.exec(contentType)?.[1];
  if (!boundary) return [];
  return body
    .toString('latin1')
    .split(`--${boundary}`)
    .slice(1, -1)
    .map((part) => {
      const start = part.indexOf('\r\n\r\n');
      return Buffer.from(part.slice(start + 4).replace(/\r\n$/, ''), 'latin1');
    });
}

/** The message as the emulator renders it, for `format=full` and attachment bodies (its part tree is Gmail's). */
async function rendered(stored: StoredMessage) {
  return {
    id: stored.id,
    threadId: stored.threadId,
    labelIds: stored.labelIds,
    internalDate: Number(stored.internalDate),
    historyId: 1,
    sequence: 0,
    raw: stored.raw,
    parsed: await parseMail(stored.raw),
  };
}

async function metadataHeaders(raw: Buffer, names: string[]) {
  const wanted = names.map((name) => name.toLowerCase());
  const parsed = await PostalMime.parse(raw);
  return parsed.headers
    .filter((header) => wanted.includes(header.key))
    .map((header) => ({ name: header.originalKey, value: header.value }));
}

export async function startFakeGmail(): Promise<FakeGmail> {
  let inFlightGets = 0;
  let nextId = 1000;
  const fake = {
    messages: new Map<string, StoredMessage>(),
    profileEmail: 'bob@example.com',
    requests: [] as RecordedRequest[],
    sent: [] as FakeGmail['sent'],
    getDelayMs: 0,
    attachmentDelayMs: 0,
    peakConcurrentGets: 0,
  } as FakeGmail;

  async function route(request: RecordedRequest): Promise<Reply> {
    const intercepted = await fake.intercept?.(request);
    if (intercepted) return intercepted;
    const { method, path, query } = request;
    if (method === 'POST' && path === '/token') {
      return json(200, { access_token: 'refreshed-token', expires_in: 3600, token_type: 'Bearer' });
    }
    if (method === 'GET' && path === '/gmail/v1/users/me/profile')
      return json(200, { emailAddress: fake.profileEmail });
    if (method === 'GET' && path === '/gmail/v1/users/me/messages') {
      const ids = fake.listIds ?? [...fake.messages.keys()];
      const max = Number(query.get('maxResults') ?? 100);
      return json(200, {
        ...(ids.length > 0
          ? { messages: ids.slice(0, max).map((id) => ({ id, threadId: fake.messages.get(id)?.threadId ?? id })) }
          : {}),
        ...(fake.nextPageToken ? { nextPageToken: fake.nextPageToken } : {}),
      });
    }
    const message = /^\/gmail\/v1\/users\/me\/messages\/([\w-]+)$/.exec(path);
    if (method === 'GET' && message?.[1]) {
      inFlightGets += 1;
      fake.peakConcurrentGets = Math.max(fake.peakConcurrentGets, inFlightGets);
      try {
        if (fake.getDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, fake.getDelayMs));
        const stored = fake.messages.get(message[1]);
        if (!stored) return notFound();
        const { raw, ...rest } = stored;
        if (query.get('format') === 'raw') return json(200, { ...rest, raw: raw.toString('base64url') });
        if (query.get('format') === 'full') {
          const { payload } = formatMessage(await rendered(stored), 'full');
          return json(200, { ...rest, payload });
        }
        return json(200, {
          ...rest,
          payload: { headers: await metadataHeaders(raw, query.getAll('metadataHeaders')) },
        });
      } finally {
        inFlightGets -= 1;
      }
    }
    const part = /^\/gmail\/v1\/users\/me\/messages\/([\w-]+)\/attachments\/([\w-]+)$/.exec(path);
    if (method === 'GET' && part?.[1] && part[2]) {
      if (fake.attachmentDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, fake.attachmentDelayMs));
      const stored = fake.messages.get(part[1]);
      const content = stored ? findAttachment(await rendered(stored), part[2]) : undefined;
      if (!content) return notFound();
      return json(200, { size: content.length, data: content.toString('base64url') });
    }
    const thread = /^\/gmail\/v1\/users\/me\/threads\/([\w-]+)$/.exec(path);
    if (method === 'GET' && thread?.[1]) {
      const inThread = [...fake.messages.values()].filter((stored) => stored.threadId === thread[1]);
      if (inThread.length === 0) return notFound();
      return json(200, { id: thread[1], messages: inThread.map(({ raw: _raw, ...rest }) => rest) });
    }
    if (method === 'POST' && path === '/gmail/v1/users/me/messages/send') {
      const body = JSON.parse(request.body.toString('utf8')) as { raw: string; threadId?: string };
      fake.sent.push({
        raw: Buffer.from(body.raw, 'base64url'),
        ...(body.threadId ? { threadId: body.threadId } : {}),
        upload: false,
      });
      const id = `sent-${nextId++}`;
      return json(200, { id, threadId: body.threadId ?? `thread-${id}`, labelIds: ['SENT'] });
    }
    if (method === 'POST' && path === '/upload/gmail/v1/users/me/messages/send') {
      const uploadType = query.get('uploadType');
      const contentType = String(request.headers['content-type'] ?? '');
      let raw = request.body;
      let threadId: string | undefined;
      if (uploadType === 'multipart') {
        const [metadata, content] = multipartParts(request.body, contentType);
        threadId = (JSON.parse(metadata?.toString('utf8') ?? '{}') as { threadId?: string }).threadId;
        raw = content ?? Buffer.alloc(0);
      }
      fake.sent.push({ raw, ...(threadId ? { threadId } : {}), upload: true, uploadType });
      const id = `sent-${nextId++}`;
      return json(200, { id, threadId: threadId ?? `thread-${id}`, labelIds: ['SENT'] });
    }
    return json(404, { error: { code: 404, message: `no route ${method} ${path}` } });
  }

  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? '/', 'http://localhost');
    const request: RecordedRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      body: Buffer.concat(chunks),
    };
    fake.requests.push(request);
    const reply = await route(request);
    res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
    res.end(reply.body === undefined ? '' : JSON.stringify(reply.body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  fake.url = `http://127.0.0.1:${port}/`;
  fake.config = parseConfig({ GMAIL_API_URL: fake.url, GOOGLE_OAUTH_URL: fake.url });
  fake.close = () =>
    new Promise<void>((resolve, reject) => {
      server.closeAllConnections();
      server.close((error) => (error ? reject(error) : resolve()));
    });
  return fake;
}

/** The fake of the running test and a Gmail client (token `test-token`) pointed at it. */
export interface FakeMailbox {
  fake: FakeGmail;
  gmail: GmailClient;
}

/**
 * Gives every test of the calling file a fresh fake and client, closed after it: read
 * `fake` and `gmail` on the returned object inside tests (they change per test).
 */
export function useFakeGmail(): Readonly<FakeMailbox> {
  const mailbox = {} as FakeMailbox;
  beforeEach(async () => {
    mailbox.fake = await startFakeGmail();
    mailbox.gmail = createGmailClient({ accessToken: 'test-token' }, mailbox.fake.config);
  });
  afterEach(async () => {
    await mailbox.fake.close();
  });
  return mailbox;
}

/** Adds a message to the fake mailbox. */
export function store(fake: FakeGmail, message: Partial<StoredMessage> & { id: string; raw: Buffer }): StoredMessage {
  const stored: StoredMessage = {
    threadId: `t-${message.id}`,
    labelIds: ['UNREAD', 'INBOX'],
    internalDate: '1762000000000',
    snippet: '',
    ...message,
  };
  fake.messages.set(stored.id, stored);
  return stored;
}

/** Gmail's JSON error body. */
export function googleError(status: number, message: string, reason?: string): Reply {
  return { status, body: { error: { code: status, message, ...(reason ? { errors: [{ reason, message }] } : {}) } } };
}
