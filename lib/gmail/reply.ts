import type { gmail_v1 } from '@googleapis/gmail';
import { BrokerError } from '#lib/errors';
import type { ReplyEmailRequest } from '#lib/schemas/email';
import { SCOPES } from '../google/scopes.ts';
import { composeMessage } from './compose.ts';
import { deadlineSignal, type GmailOperationOptions } from './deadline.ts';
import { gmailCall } from './errors.ts';
import { formatMailbox, type Mailbox, type ParsedMail, parseMessage } from './parse.ts';
import { fromQuery } from './search.ts';
import { type SentMessage, sendRaw } from './send.ts';

/** What a reply answers with: the sent message, who it went to, and what it answered. */
export interface ReplyResult extends SentMessage {
  /** Everyone the reply went to (To, then Cc), as `Name <a@b>` or `a@b`. */
  to: string[];
  subject: string;
  /** Gmail id of the message answered. */
  in_reply_to: string;
}

/** The message being answered. */
export interface OriginalMessage {
  id: string;
  threadId: string;
  /** True when the user sent it (Gmail's SENT label). */
  sentByUser: boolean;
  mail: ParsedMail;
}

/** `Re: <subject>`, adding "Re: " only when the subject does not already start with it (any case). */
export function replySubject(subject: string): string {
  return /^\s*re:/i.test(subject) ? subject : `Re: ${subject}`;
}

/**
 * The reply's References: the original's whole chain plus its own Message-ID (RFC 5322
 * 3.6.4; an original without References contributes its In-Reply-To instead).
 */
export function replyReferences(original: ParsedMail): string[] {
  const chain = original.references.length > 0 ? original.references : original.inReplyTo ? [original.inReplyTo] : [];
  const all = original.messageId ? [...chain, original.messageId] : chain;
  return [...new Set(all)];
}

const sameAddress = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

function withoutDuplicates(list: Mailbox[], taken: Mailbox[] = []): Mailbox[] {
  const result: Mailbox[] = [];
  for (const mailbox of list) {
    if ([...taken, ...result].some((seen) => sameAddress(seen.address, mailbox.address))) continue;
    result.push(mailbox);
  }
  return result;
}

/**
 * Who a reply goes to. To: the original's Reply-To when present, else its From (for the
 * user's own sent message: its To, as mail clients do). With `replyAll`, the original's
 * other To recipients join To and its Cc stays Cc, minus the user's own address and
 * duplicates (addresses compare case-insensitively).
 */
export function replyRecipients(
  original: Pick<OriginalMessage, 'mail' | 'sentByUser'>,
  replyAll: boolean,
  userEmail?: string,
): { to: Mailbox[]; cc: Mailbox[] } {
  const { mail } = original;
  const direct = original.sentByUser ? mail.to : mail.replyTo.length > 0 ? mail.replyTo : mail.from ? [mail.from] : [];
  const to = withoutDuplicates(direct);
  if (!replyAll) return { to, cc: [] };
  const notUser = (mailbox: Mailbox) => !userEmail || !sameAddress(mailbox.address, userEmail);
  const moreTo = withoutDuplicates((original.sentByUser ? [] : mail.to).filter(notUser), to);
  const allTo = [...to, ...moreTo];
  return { to: allTo, cc: withoutDuplicates(mail.cc.filter(notUser), allTo) };
}

type Signal = { signal: AbortSignal };
const read = (notFound?: string) => ({ scope: SCOPES.read, ...(notFound ? { notFound } : {}) });

async function fetchOriginal(
  gmail: gmail_v1.Gmail,
  id: string,
  notFound: string,
  call: Signal,
): Promise<OriginalMessage> {
  const { data } = await gmailCall(read(notFound), () =>
    gmail.users.messages.get({ userId: 'me', id, format: 'raw', fields: 'id,threadId,labelIds,raw' }, call),
  );
  if (!data.raw) throw new BrokerError('upstream_error', 'Gmail returned the message without its content.');
  return {
    id: data.id ?? id,
    threadId: data.threadId ?? id,
    sentByUser: (data.labelIds ?? []).includes('SENT'),
    mail: await parseMessage(data.raw),
  };
}

/** The thread's latest message not sent by the user (drafts ignored), else its latest overall. */
async function latestInThread(gmail: gmail_v1.Gmail, threadId: string, call: Signal): Promise<string> {
  const { data } = await gmailCall(read(`No thread with thread_id ${threadId} found`), () =>
    gmail.users.threads.get(
      { userId: 'me', id: threadId, format: 'minimal', fields: 'messages(id,labelIds,internalDate)' },
      call,
    ),
  );
  const messages = (data.messages ?? [])
    .filter((message) => message.id && !(message.labelIds ?? []).includes('DRAFT'))
    .map((message, index) => ({
      id: message.id as string,
      sent: (message.labelIds ?? []).includes('SENT'),
      at: Number(message.internalDate) || 0,
      index,
    }))
    // Gmail lists a thread oldest first; sort anyway, keeping that order for equal times.
    .sort((a, b) => a.at - b.at || a.index - b.index);
  const chosen = messages.filter((message) => !message.sent).at(-1) ?? messages.at(-1);
  if (!chosen) throw new BrokerError('not_found', `Thread ${threadId} has no message to reply to`);
  return chosen.id;
}

async function latestFrom(gmail: gmail_v1.Gmail, sender: string, call: Signal): Promise<string> {
  const { data } = await gmailCall(read(), () =>
    gmail.users.messages.list({ userId: 'me', q: fromQuery(sender), maxResults: 1, fields: 'messages(id)' }, call),
  );
  const id = data.messages?.[0]?.id;
  if (!id) throw new BrokerError('not_found', `No email from ${sender} found`);
  return id;
}

/**
 * Finds the message to answer: by `message_id`; else the latest message of `thread_id`
 * that the user did not send; else the newest mail from `sender_email` (a quoted search).
 */
export async function findOriginal(
  gmail: gmail_v1.Gmail,
  input: ReplyEmailRequest,
  call: Signal,
): Promise<OriginalMessage> {
  if (input.message_id) {
    return fetchOriginal(gmail, input.message_id, `No email with message_id ${input.message_id} found`, call);
  }
  if (input.thread_id) {
    const id = await latestInThread(gmail, input.thread_id, call);
    return fetchOriginal(gmail, id, `No thread with thread_id ${input.thread_id} found`, call);
  }
  if (input.sender_email) {
    const id = await latestFrom(gmail, input.sender_email, call);
    return fetchOriginal(gmail, id, `No email from ${input.sender_email} found`, call);
  }
  throw new BrokerError('invalid_request', 'Give one of message_id, thread_id or sender_email.');
}

async function profileEmail(gmail: gmail_v1.Gmail, call: Signal): Promise<string | undefined> {
  const { data } = await gmailCall(read(), () =>
    gmail.users.getProfile({ userId: 'me', fields: 'emailAddress' }, call),
  );
  return data.emailAddress ?? undefined;
}

/** A reply worked out from its original: who it goes to, its subject and threading headers. */
export interface PreparedReply {
  original: OriginalMessage;
  to: Mailbox[];
  cc: Mailbox[];
  subject: string;
  inReplyTo: string | null;
  references: string[];
}

/**
 * Everything a reply (sent now, or kept as a draft) takes from its original, threaded for
 * every mail client: the original's Gmail thread, `In-Reply-To` = its Message-ID,
 * `References` = its whole chain plus that id, and the subject with one "Re: ". `userEmail`
 * keeps the user out of a reply-all; when it is not given and `reply_all` is set, it is read
 * from the Gmail profile.
 *
 * @throws BrokerError `invalid_request` when the original names nobody to answer.
 */
export async function prepareReply(
  gmail: gmail_v1.Gmail,
  input: ReplyEmailRequest,
  call: Signal,
  userEmail?: string,
): Promise<PreparedReply> {
  const original = await findOriginal(gmail, input, call);
  const replyAll = input.reply_all ?? false;
  const self = replyAll ? (userEmail ?? (await profileEmail(gmail, call))) : userEmail;
  const { to, cc } = replyRecipients(original, replyAll, self);
  if (to.length === 0) {
    throw new BrokerError('invalid_request', 'The original email names no sender to reply to.');
  }
  return {
    original,
    to,
    cc,
    subject: replySubject(original.mail.subject),
    inReplyTo: original.mail.messageId,
    references: replyReferences(original.mail),
  };
}

/**
 * Replies inside the original's thread (see {@link prepareReply} for the threading), with
 * the request's attachments.
 */
export async function replyToEmail(
  gmail: gmail_v1.Gmail,
  input: ReplyEmailRequest,
  userEmail?: string,
  options: GmailOperationOptions = {},
): Promise<ReplyResult> {
  const call = { signal: options.signal ?? deadlineSignal() };
  const reply = await prepareReply(gmail, input, call, userEmail);
  const raw = await composeMessage({
    to: reply.to,
    cc: reply.cc,
    subject: reply.subject,
    body: input.body,
    html: input.html,
    attachments: input.attachments,
    inReplyTo: reply.inReplyTo,
    references: reply.references,
  });
  const sent = await sendRaw(gmail, raw, reply.original.threadId, call);
  return {
    ...sent,
    to: [...reply.to, ...reply.cc].map(formatMailbox),
    subject: reply.subject,
    in_reply_to: reply.original.id,
  };
}
