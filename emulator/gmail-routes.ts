import { hasAnyScope, SCOPES } from './accounts.ts';
import { sendMessage } from './delivery.ts';
import type { MessageFormat } from './gmail-format.ts';
import { findAttachment, formatMessage, MESSAGE_FORMATS, toBase64Url } from './gmail-format.ts';
import { delegationDenied, insufficientScope, invalidArgument, invalidCredentials, notFound } from './google-errors.ts';
import { bearerToken, header, parseJsonBody } from './http.ts';
import type { Mailbox } from './mailbox.ts';
import type { Route, RouteContext, RouteResult } from './router.ts';
import type { EmulatorState } from './state.ts';
import { jsonSendRequest, uploadSendRequest } from './upload.ts';

/**
 * The Gmail REST subset the broker uses, at the paths the official client builds:
 * `/gmail/v1/users/{userId}/...` and `/upload/gmail/v1/users/{userId}/messages/send`.
 */

const READ = [SCOPES.readonly, SCOPES.modify, SCOPES.full];
const SEND = [SCOPES.send, SCOPES.compose, SCOPES.modify, SCOPES.full];
const MODIFY = [SCOPES.modify, SCOPES.full];

const USER = '/gmail/v1/users/([^/]+)';
const ID = '([^/]+)';

/**
 * The caller's own mailbox: the token must be live (401), carry one of `scopes` (403
 * naming the RPC `method`), and the path's userId must be `me` or the token's owner.
 */
function authorize(state: EmulatorState, context: RouteContext, scopes: readonly string[], method: string): Mailbox {
  const access = state.accounts.authenticate(bearerToken(context.req));
  if (access === undefined) throw invalidCredentials();
  if (!hasAnyScope(access.grant.scopes, scopes)) throw insufficientScope(method);
  const userId = context.params[0] ?? '';
  if (userId !== 'me' && userId.toLowerCase() !== access.grant.email.toLowerCase()) throw delegationDenied(userId);
  const mailbox = state.mailbox(access.grant.email);
  if (mailbox === undefined) throw invalidCredentials();
  return mailbox;
}

function formatParam(url: URL, allowed: readonly MessageFormat[] = MESSAGE_FORMATS): MessageFormat {
  const value = url.searchParams.get('format') ?? 'full';
  const format = allowed.find((candidate) => candidate === value.toLowerCase());
  if (format === undefined) throw invalidArgument(`Invalid value at 'format' (${value})`);
  return format;
}

function maxResultsParam(url: URL): number {
  const value = url.searchParams.get('maxResults');
  if (value === null) return 100;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0)
    throw invalidArgument(`Invalid value at 'max_results' (TYPE_UINT32), "${value}"`);
  return parsed === 0 ? 100 : Math.min(parsed, 500);
}

function pageTokenParam(url: URL): number {
  const value = url.searchParams.get('pageToken');
  if (value === null || value === '') return 0;
  if (!/^\d+$/.test(value)) throw invalidArgument('Invalid pageToken');
  return Number(value);
}

const isTrue = (value: string | null) => value === 'true' || value === '1';

function listMessages(state: EmulatorState, context: RouteContext): RouteResult {
  const mailbox = authorize(state, context, READ, 'ListMessages');
  const { searchParams } = context.url;
  const matches = mailbox.list({
    q: searchParams.get('q') ?? undefined,
    labelIds: searchParams.getAll('labelIds'),
    includeSpamTrash: isTrue(searchParams.get('includeSpamTrash')),
  });
  const offset = pageTokenParam(context.url);
  const end = offset + maxResultsParam(context.url);
  const page = matches.slice(offset, end);
  // Gmail leaves `messages` out entirely when nothing matches.
  return {
    body: {
      ...(page.length === 0 ? {} : { messages: page.map(({ id, threadId }) => ({ id, threadId })) }),
      ...(end < matches.length ? { nextPageToken: String(end) } : {}),
      resultSizeEstimate: matches.length,
    },
  };
}

function getMessage(state: EmulatorState, context: RouteContext): RouteResult {
  const mailbox = authorize(state, context, READ, 'GetMessage');
  const message = mailbox.get(context.params[1] ?? '');
  if (message === undefined) throw notFound();
  const format = formatParam(context.url);
  return { body: formatMessage(message, format, context.url.searchParams.getAll('metadataHeaders')) };
}

function getAttachment(state: EmulatorState, context: RouteContext): RouteResult {
  const mailbox = authorize(state, context, READ, 'GetAttachment');
  const message = mailbox.get(context.params[1] ?? '');
  const content = message === undefined ? undefined : findAttachment(message, context.params[2] ?? '');
  if (content === undefined) throw notFound();
  return { body: { size: content.length, data: toBase64Url(content) } };
}

function labelLists(body: Buffer): { add: string[]; remove: string[] } {
  const json = parseJsonBody(body, () => invalidArgument('Invalid JSON payload received.'));
  const record = (typeof json === 'object' && json !== null ? json : {}) as Record<string, unknown>;
  const strings = (value: unknown) =>
    Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
  const add = strings(record.addLabelIds);
  const remove = strings(record.removeLabelIds);
  if (add.length === 0 && remove.length === 0) throw invalidArgument('No label add or removes specified');
  return { add, remove };
}

function modifyMessage(state: EmulatorState, context: RouteContext): RouteResult {
  const mailbox = authorize(state, context, MODIFY, 'ModifyMessage');
  const { add, remove } = labelLists(context.body);
  const message = mailbox.modify(context.params[1] ?? '', add, remove);
  if (message === undefined) throw notFound();
  return { body: { id: message.id, threadId: message.threadId, labelIds: message.labelIds } };
}

function batchModify(state: EmulatorState, context: RouteContext): RouteResult {
  const mailbox = authorize(state, context, MODIFY, 'BatchModifyMessages');
  const json = parseJsonBody(context.body, () => invalidArgument('Invalid JSON payload received.'));
  const ids = (json as { ids?: unknown }).ids;
  const { add, remove } = labelLists(context.body);
  // Gmail skips unknown ids silently here.
  for (const id of Array.isArray(ids) ? ids : []) if (typeof id === 'string') mailbox.modify(id, add, remove);
  return { status: 204 };
}

async function send(state: EmulatorState, context: RouteContext, upload: boolean): Promise<RouteResult> {
  const mailbox = authorize(state, context, SEND, 'SendMessage');
  const request = upload
    ? uploadSendRequest(context.body, context.url.searchParams.get('uploadType'), header(context.req, 'content-type'))
    : jsonSendRequest(context.body);
  const message = await sendMessage(state, mailbox, request.raw, {
    threadId: request.threadId,
    uploadType: request.uploadType,
  });
  return { body: { id: message.id, threadId: message.threadId, labelIds: message.labelIds } };
}

function getThread(state: EmulatorState, context: RouteContext): RouteResult {
  const mailbox = authorize(state, context, READ, 'GetThread');
  const threadId = context.params[1] ?? '';
  const messages = mailbox.thread(threadId);
  if (messages.length === 0) throw notFound();
  const format = formatParam(context.url, ['full', 'metadata', 'minimal']);
  const metadataHeaders = context.url.searchParams.getAll('metadataHeaders');
  return {
    body: {
      id: threadId,
      historyId: String(Math.max(...messages.map((message) => message.historyId))),
      messages: messages.map((message) => formatMessage(message, format, metadataHeaders)),
    },
  };
}

function getProfile(state: EmulatorState, context: RouteContext): RouteResult {
  const mailbox = authorize(state, context, READ, 'GetProfile');
  return {
    body: {
      emailAddress: mailbox.email,
      messagesTotal: mailbox.messagesTotal,
      threadsTotal: mailbox.threadsTotal,
      historyId: String(mailbox.historyId),
    },
  };
}

/** The Gmail routes, bound to one emulator's state. */
export function gmailRoutes(state: EmulatorState): Route[] {
  const route = (
    method: string,
    path: string,
    handler: (s: EmulatorState, c: RouteContext) => RouteResult | Promise<RouteResult>,
  ): Route => ({
    method,
    pattern: new RegExp(`^${path}$`),
    handler: (context) => handler(state, context),
  });
  return [
    route('GET', `${USER}/messages`, listMessages),
    route('POST', `${USER}/messages/send`, (s, c) => send(s, c, false)),
    route('POST', `/upload${USER}/messages/send`, (s, c) => send(s, c, true)),
    route('POST', `${USER}/messages/batchModify`, batchModify),
    route('GET', `${USER}/messages/${ID}`, getMessage),
    route('GET', `${USER}/messages/${ID}/attachments/${ID}`, getAttachment),
    route('POST', `${USER}/messages/${ID}/modify`, modifyMessage),
    route('GET', `${USER}/threads/${ID}`, getThread),
    route('GET', `${USER}/profile`, getProfile),
  ];
}
