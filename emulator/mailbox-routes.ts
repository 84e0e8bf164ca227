import { randomInt } from 'node:crypto';
import { SCOPES } from './accounts.ts';
import { sendMessage } from './delivery.ts';
import { formatMessage, type MessageFormat } from './gmail-format.ts';
import { authorize, formatParam } from './gmail-routes.ts';
import { invalidArgument, notFound } from './google-errors.ts';
import { HttpError, header, parseJsonBody } from './http.ts';
import type { Mailbox, StoredMessage } from './mailbox.ts';
import { parseMail } from './message.ts';
import type { Route, RouteContext, RouteResult } from './router.ts';
import type { EmulatorState } from './state.ts';
import { decodeRaw, uploadSendRequest } from './upload.ts';

/**
 * The Gmail routes for triage and drafts: labels (list, create), `threads.modify`, and
 * drafts (create, list, get, send, delete), with Gmail's scopes and its threading rule for
 * drafts (a draft joins `threadId` only when its References name a message of that thread
 * and its subject matches).
 */

const READ = [SCOPES.readonly, SCOPES.modify, SCOPES.full];
const MODIFY = [SCOPES.modify, SCOPES.full];
const COMPOSE = [SCOPES.compose, SCOPES.modify, SCOPES.full];
const COMPOSE_OR_READ = [...COMPOSE, SCOPES.readonly];

const USER = '/gmail/v1/users/([^/]+)';
const ID = '([^/]+)';

/** Each mailbox's drafts: draft id to the id of the message it holds. */
const draftsOf = new WeakMap<Mailbox, Map<string, string>>();

function drafts(mailbox: Mailbox): Map<string, string> {
  let map = draftsOf.get(mailbox);
  if (map === undefined) {
    map = new Map();
    draftsOf.set(mailbox, map);
  }
  return map;
}

function jsonRecord(context: RouteContext): Record<string, unknown> {
  const json = parseJsonBody(context.body, () => invalidArgument('Invalid JSON payload received.'));
  return typeof json === 'object' && json !== null ? (json as Record<string, unknown>) : {};
}

const strings = (value: unknown) =>
  Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];

function listLabels(state: EmulatorState, context: RouteContext): RouteResult {
  const mailbox = authorize(state, context, READ, 'ListLabels');
  return { body: { labels: mailbox.labels.all() } };
}

function createLabel(state: EmulatorState, context: RouteContext): RouteResult {
  const mailbox = authorize(state, context, MODIFY, 'CreateLabel');
  const name = jsonRecord(context).name;
  if (typeof name !== 'string' || name.trim() === '') throw invalidArgument('Invalid label name');
  const label = mailbox.labels.create(name.trim());
  if (label === undefined) {
    throw new HttpError(409, {
      error: { code: 409, message: 'Label name exists or conflicts', status: 'ALREADY_EXISTS' },
    });
  }
  return { body: label };
}

function modifyThread(state: EmulatorState, context: RouteContext): RouteResult {
  const mailbox = authorize(state, context, MODIFY, 'ModifyThread');
  const threadId = context.params[1] ?? '';
  const messages = mailbox.thread(threadId);
  if (messages.length === 0) throw notFound();
  const record = jsonRecord(context);
  const add = strings(record.addLabelIds);
  const remove = strings(record.removeLabelIds);
  if (add.length === 0 && remove.length === 0) throw invalidArgument('No label add or removes specified');
  const unknown = [...add, ...remove].find((label) => !mailbox.labels.has(label));
  if (unknown !== undefined) throw invalidArgument(`Invalid label: ${unknown}`);
  for (const message of messages) mailbox.modify(message.id, add, remove);
  return {
    body: { id: threadId, messages: mailbox.thread(threadId).map(({ id, labelIds }) => ({ id, threadId, labelIds })) },
  };
}

/** "Re: Re: Fwd: x" and "x" are the same conversation subject. */
const baseSubject = (subject: string) =>
  subject
    .replace(/^(\s*(re|fwd?|aw|sv)\s*:\s*)+/i, '')
    .trim()
    .toLowerCase();

/** The thread a new draft joins: `threadId` only when Gmail's three conditions hold. */
function draftThread(mailbox: Mailbox, threadId: string | undefined, raw: StoredMessage['parsed']): string | undefined {
  if (threadId === undefined) return undefined;
  const thread = mailbox.thread(threadId).filter((message) => !message.labelIds.includes('DRAFT'));
  if (thread.length === 0) return undefined;
  const referenced = new Set(raw.referencedIds.map((id) => id.toLowerCase()));
  const named = thread.some((message) => referenced.has(message.parsed.messageId.toLowerCase()));
  const sameSubject = thread.some((message) => baseSubject(message.parsed.subject) === baseSubject(raw.subject));
  return named && sameSubject ? threadId : undefined;
}

function draftResource(id: string, message: StoredMessage, format: MessageFormat, headers: readonly string[] = []) {
  return { id, message: formatMessage(message, format, headers) };
}

function newDraftId(map: Map<string, string>): string {
  let id: string;
  do id = `r-${randomInt(1e9, 1e10 - 1)}${randomInt(1e9, 1e10 - 1)}`;
  while (map.has(id));
  return id;
}

/** Stores a draft as Gmail does: a DRAFT-labelled message, in `threadId` only when it qualifies. */
async function storeDraft(mailbox: Mailbox, raw: Buffer, threadId: string | undefined): Promise<RouteResult> {
  const parsed = await parseMail(raw);
  const stored = mailbox.add({
    raw,
    parsed,
    labelIds: ['DRAFT'],
    threadId: draftThread(mailbox, threadId, parsed),
    internalDate: Date.now(),
    threadByReferences: false,
  });
  const map = drafts(mailbox);
  const id = newDraftId(map);
  map.set(id, stored.id);
  return { body: draftResource(id, stored, 'minimal') };
}

function createDraft(state: EmulatorState, context: RouteContext): Promise<RouteResult> {
  const mailbox = authorize(state, context, COMPOSE, 'CreateDraft');
  const message = jsonRecord(context).message;
  const record = (typeof message === 'object' && message !== null ? message : {}) as Record<string, unknown>;
  const threadId = typeof record.threadId === 'string' && record.threadId !== '' ? record.threadId : undefined;
  return storeDraft(mailbox, decodeRaw(record.raw), threadId);
}

/** `drafts.create` through the upload endpoint (large drafts): multipart or media. */
function uploadDraft(state: EmulatorState, context: RouteContext): Promise<RouteResult> {
  const mailbox = authorize(state, context, COMPOSE, 'CreateDraft');
  const request = uploadSendRequest(
    context.body,
    context.url.searchParams.get('uploadType'),
    header(context.req, 'content-type'),
  );
  return storeDraft(mailbox, request.raw, request.threadId);
}

function findDraft(mailbox: Mailbox, id: string): StoredMessage {
  const messageId = drafts(mailbox).get(id);
  const message = messageId === undefined ? undefined : mailbox.get(messageId);
  if (message === undefined) throw notFound();
  return message;
}

function listDrafts(state: EmulatorState, context: RouteContext): RouteResult {
  const mailbox = authorize(state, context, COMPOSE_OR_READ, 'ListDrafts');
  const { searchParams } = context.url;
  const max = Math.min(Number(searchParams.get('maxResults') ?? 100) || 100, 500);
  const offset = Number(searchParams.get('pageToken') ?? 0) || 0;
  const all = [...drafts(mailbox).entries()]
    .flatMap(([id, messageId]) => {
      const message = mailbox.get(messageId);
      return message === undefined ? [] : [{ id, message }];
    })
    .sort((a, b) => b.message.internalDate - a.message.internalDate || b.message.sequence - a.message.sequence);
  const page = all.slice(offset, offset + max);
  return {
    body: {
      ...(page.length === 0
        ? {}
        : { drafts: page.map(({ id, message }) => ({ id, message: { id: message.id, threadId: message.threadId } })) }),
      ...(offset + max < all.length ? { nextPageToken: String(offset + max) } : {}),
      resultSizeEstimate: all.length,
    },
  };
}

function getDraft(state: EmulatorState, context: RouteContext): RouteResult {
  const mailbox = authorize(state, context, COMPOSE_OR_READ, 'GetDraft');
  const id = context.params[1] ?? '';
  const message = findDraft(mailbox, id);
  const format = formatParam(context.url);
  return { body: draftResource(id, message, format, context.url.searchParams.getAll('metadataHeaders')) };
}

function deleteDraft(state: EmulatorState, context: RouteContext): RouteResult {
  const mailbox = authorize(state, context, COMPOSE, 'DeleteDraft');
  const id = context.params[1] ?? '';
  const message = findDraft(mailbox, id);
  mailbox.remove(message.id);
  drafts(mailbox).delete(id);
  return { status: 204 };
}

async function sendDraft(state: EmulatorState, context: RouteContext): Promise<RouteResult> {
  const mailbox = authorize(state, context, COMPOSE, 'SendDraft');
  const id = jsonRecord(context).id;
  if (typeof id !== 'string' || id === '') throw invalidArgument('Invalid draft id');
  const draft = findDraft(mailbox, id);
  mailbox.remove(draft.id);
  drafts(mailbox).delete(id);
  const sent = await sendMessage(state, mailbox, draft.raw, { threadId: draft.threadId, uploadType: 'json' });
  return { body: { id: sent.id, threadId: sent.threadId, labelIds: sent.labelIds } };
}

/** The triage and draft routes, bound to one emulator's state. */
export function mailboxRoutes(state: EmulatorState): Route[] {
  const route = (
    method: string,
    path: string,
    handler: (s: EmulatorState, c: RouteContext) => RouteResult | Promise<RouteResult>,
  ): Route => ({ method, pattern: new RegExp(`^${path}$`), handler: (context) => handler(state, context) });
  return [
    route('GET', `${USER}/labels`, listLabels),
    route('POST', `${USER}/labels`, createLabel),
    route('POST', `${USER}/threads/${ID}/modify`, modifyThread),
    route('POST', `${USER}/drafts`, createDraft),
    route('POST', `/upload${USER}/drafts`, uploadDraft),
    route('GET', `${USER}/drafts`, listDrafts),
    route('POST', `${USER}/drafts/send`, sendDraft),
    route('GET', `${USER}/drafts/${ID}`, getDraft),
    route('DELETE', `${USER}/drafts/${ID}`, deleteDraft),
  ];
}
