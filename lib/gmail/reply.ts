import { BrokerError } from '../errors.ts';
import { isMailAddress, MAX_RECIPIENTS } from '../schemas/common.ts';
import { MAX_SUBJECT_CHARS, type ReplyEmailRequest } from '../schemas/email.ts';
import type { GmailClient } from './client.ts';
import { composeMessage } from './compose.ts';
import { type GmailOperationOptions, operationSignal } from './deadline.ts';
import { gmailCall } from './errors.ts';
import { formatMailbox, type Mailbox, type MailHeaders, readMailHeaders, truncateText } from './parse.ts';
import { fromQuery } from './search.ts';
import { type SentMessage, sendRaw } from './send.ts';

/** What a reply answers with: the sent message, who it went to, and what it answered. */
export interface ReplyResult extends SentMessage {
  /** Everyone the reply went to (To, then Cc), as `Name <a@b>` or `a@b`. */
  to: string[];
  subject: string;
  /** Gmail id of the message answered. */
  in_reply_to: string;
  /** What was left out of the original and why (invalid or too many addresses). */
  notes: string[];
}

/** The message being answered. */
export interface OriginalMessage {
  id: string;
  threadId: string;
  /** True when the user sent it (Gmail's SENT label). */
  sentByUser: boolean;
  mail: MailHeaders;
}

/** References kept in a reply: the thread's first message and the latest ones (RFC 5322 allows trimming). */
export const MAX_REFERENCES = 50;

// Control characters (CR, LF, NUL, …) never belong in a header taken from the original.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching them is the point
const CONTROL = /[\u0000-\u001f\u007f]+/g;

/** Header text from the original, made safe for ours: controls become spaces. */
export function cleanHeaderText(text: string): string {
  return text.replace(CONTROL, ' ').replace(/ {2,}/g, ' ').trim();
}

/** `Re: <subject>`, adding "Re: " only when the subject does not already start with it (any case). */
export function replySubject(subject: string): string {
  const clean = cleanHeaderText(subject);
  const reply = /^\s*re:/i.test(clean) ? clean : `Re: ${clean}`;
  return truncateText(reply, MAX_SUBJECT_CHARS).text;
}

/**
 * The reply's References: the original's whole chain plus its own Message-ID (RFC 5322
 * 3.6.4; an original without References contributes its In-Reply-To instead).
 */
export function replyReferences(original: MailHeaders): string[] {
  const chain = original.references.length > 0 ? original.references : original.inReplyTo ? [original.inReplyTo] : [];
  const all = [...new Set(original.messageId ? [...chain, original.messageId] : chain)].filter((id) =>
    /^<[^<>\s]{1,994}>$/.test(id),
  );
  return all.length <= MAX_REFERENCES ? all : [all[0] as string, ...all.slice(-(MAX_REFERENCES - 1))];
}

const sameAddress = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

function withoutDuplicates(list: Mailbox[], taken: Mailbox[] = []): Mailbox[] {
  // A Set keeps this linear: an original may list thousands of addresses.
  const seen = new Set(taken.map((mailbox) => mailbox.address.trim().toLowerCase()));
  const result: Mailbox[] = [];
  for (const mailbox of list) {
    const key = mailbox.address.trim().toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    result.push(mailbox);
  }
  return result;
}

/** Who a reply goes to, and what was left out of the original's lists. */
export interface ReplyRecipients {
  to: Mailbox[];
  cc: Mailbox[];
  notes: string[];
}

/** Mailboxes with valid addresses and clean names; how many were not. */
function trusted(list: Mailbox[]): { kept: Mailbox[]; dropped: number } {
  const kept = list
    .filter((mailbox) => isMailAddress(mailbox.address))
    .map((mailbox) => ({ name: cleanHeaderText(mailbox.name).slice(0, 200), address: mailbox.address }));
  return { kept, dropped: list.length - kept.length };
}

/**
 * Who a reply goes to. To: the original's Reply-To when present, else its From (for the
 * user's own sent message: its To, as mail clients do). With `replyAll`, the original's
 * other To recipients join To and its Cc stays Cc, minus the user's own address and
 * duplicates (addresses compare case-insensitively).
 *
 * The original is a stranger's: addresses that are not valid are dropped, names are
 * cleaned of line breaks, and the reply goes to at most {@link MAX_RECIPIENTS} like any
 * send. Reply-all keeps the direct recipients and fills the rest in order; each cut is
 * in `notes`.
 *
 * @throws BrokerError `invalid_request` naming the original (`originalId`) when it has no
 *   valid address to answer, or more direct recipients than a mail may have.
 */
export function replyRecipients(
  original: Pick<OriginalMessage, 'mail' | 'sentByUser'> & { id?: string },
  replyAll: boolean,
  userEmail?: string,
): ReplyRecipients {
  const { mail } = original;
  const named = `The email being answered (message_id ${original.id ?? 'unknown'})`;
  const notes: string[] = [];
  const directSource = original.sentByUser ? 'To' : mail.replyTo.length > 0 ? 'Reply-To' : 'From';
  const direct = trusted(
    original.sentByUser ? mail.to : mail.replyTo.length > 0 ? mail.replyTo : mail.from ? [mail.from] : [],
  );
  const to = withoutDuplicates(direct.kept);
  if (to.length === 0) {
    throw new BrokerError('invalid_request', `${named} has no valid address in its ${directSource} to reply to.`);
  }
  if (to.length > MAX_RECIPIENTS) {
    throw new BrokerError(
      'invalid_request',
      `${named} lists ${to.length} addresses in its ${directSource}, more than the ${MAX_RECIPIENTS} a mail may go to; not replying. Use send_email to choose the recipients.`,
    );
  }
  if (direct.dropped > 0) {
    notes.push(
      `Left out ${direct.dropped} address(es) in the original's ${directSource} that are not valid email addresses.`,
    );
  }
  if (!replyAll) return { to, cc: [], notes };

  const notUser = (mailbox: Mailbox) => !userEmail || !sameAddress(mailbox.address, userEmail);
  const others = trusted([...(original.sentByUser ? [] : mail.to), ...mail.cc]);
  if (others.dropped > 0) {
    notes.push(
      `Left out ${others.dropped} address(es) in the original's To and Cc that are not valid email addresses.`,
    );
  }
  const toSet = new Set((original.sentByUser ? [] : mail.to).map((mailbox) => mailbox.address));
  const rest = withoutDuplicates(others.kept.filter(notUser), to);
  const room = MAX_RECIPIENTS - to.length;
  const kept = rest.slice(0, room);
  if (rest.length > room) {
    notes.push(
      `Left out ${rest.length - room} of the original's other recipients: a mail may go to at most ${MAX_RECIPIENTS}.`,
    );
  }
  return {
    to: [...to, ...kept.filter((mailbox) => toSet.has(mailbox.address))],
    cc: kept.filter((mailbox) => !toSet.has(mailbox.address)),
    notes,
  };
}

type Signal = { signal: AbortSignal };
const read = (notFound?: string) => (notFound ? { notFound } : {});

const REPLY_HEADERS = ['From', 'Reply-To', 'To', 'Cc', 'Subject', 'Message-ID', 'References', 'In-Reply-To'];

async function fetchOriginal(gmail: GmailClient, id: string, notFound: string, call: Signal): Promise<OriginalMessage> {
  // Only the headers: a reply never reads the original's body or attachments.
  const { data } = await gmailCall(read(notFound), () =>
    gmail.users.messages.get(
      {
        userId: 'me',
        id,
        format: 'metadata',
        metadataHeaders: REPLY_HEADERS,
        fields: 'id,threadId,labelIds,payload/headers',
      },
      call,
    ),
  );
  return {
    id: data.id ?? id,
    threadId: data.threadId ?? id,
    sentByUser: (data.labelIds ?? []).includes('SENT'),
    mail: readMailHeaders(data.payload?.headers ?? []),
  };
}

/** The thread's latest message not sent by the user (drafts ignored), else its latest overall. */
async function latestInThread(gmail: GmailClient, threadId: string, call: Signal): Promise<string> {
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

async function latestFrom(gmail: GmailClient, sender: string, call: Signal): Promise<string> {
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
  gmail: GmailClient,
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

async function profileEmail(gmail: GmailClient, call: Signal): Promise<string | undefined> {
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
  /** What of the original could not be trusted and was left out (addresses, a cap reached). */
  notes: string[];
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
  gmail: GmailClient,
  input: ReplyEmailRequest,
  call: Signal,
  userEmail?: string,
): Promise<PreparedReply> {
  const original = await findOriginal(gmail, input, call);
  const replyAll = input.reply_all ?? false;
  const self = replyAll ? (userEmail ?? (await profileEmail(gmail, call))) : userEmail;
  const { to, cc, notes } = replyRecipients(original, replyAll, self);
  return {
    original,
    to,
    cc,
    notes,
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
  gmail: GmailClient,
  input: ReplyEmailRequest,
  userEmail?: string,
  options: GmailOperationOptions = {},
): Promise<ReplyResult> {
  const call = { signal: operationSignal(options) };
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
    notes: reply.notes,
  };
}
