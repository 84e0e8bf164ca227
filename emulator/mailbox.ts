import { randomBytes } from 'node:crypto';
import { LabelStore } from './labels.ts';
import type { ParsedMail } from './message.ts';
import type { SearchableMessage } from './query.ts';
import { matchesQuery, mentionsSpamOrTrash, parseQuery } from './query.ts';

/**
 * One user's mail: messages, their labels, and how they group into threads. Everything
 * the Gmail routes answer is looked up here, in the token owner's own mailbox only.
 */

export interface StoredMessage {
  id: string;
  threadId: string;
  labelIds: string[];
  internalDate: number;
  historyId: number;
  /** The RFC 822 source, byte-exact. */
  raw: Buffer;
  parsed: ParsedMail;
  /** Insertion order, to break ties between equal internalDates. */
  sequence: number;
}

export type UploadType = 'json' | 'multipart' | 'media';

/** One message as the client sent it, for tests to inspect. */
export interface SentRecord {
  id: string;
  threadId: string;
  labelIds: string[];
  /** The source exactly as received, as text. */
  raw: string;
  uploadType: UploadType;
}

export interface AddMessageInput {
  raw: Buffer;
  parsed: ParsedMail;
  labelIds: readonly string[];
  internalDate: number;
  /** Join this thread when it exists in this mailbox. */
  threadId?: string | undefined;
  /** Join the thread of a message named by In-Reply-To/References (or of the same Message-ID). */
  threadByReferences: boolean;
}

export interface ListOptions {
  q?: string | undefined;
  labelIds?: readonly string[] | undefined;
  includeSpamTrash?: boolean | undefined;
}

/** Gmail's ids: 16 lowercase hex digits. */
export function newGmailId(): string {
  return randomBytes(8).toString('hex');
}

export class Mailbox {
  private readonly messages = new Map<string, StoredMessage>();
  private sequence = 0;
  /** Grows with every change, like Gmail's per-mailbox history id. */
  historyId = 1000;
  readonly sent: SentRecord[] = [];
  /** System and user labels, by id and name. */
  readonly labels = new LabelStore();

  constructor(readonly email: string) {}

  add(input: AddMessageInput): StoredMessage {
    let id = newGmailId();
    while (this.messages.has(id)) id = newGmailId();
    const threadId =
      (input.threadId !== undefined && this.hasThread(input.threadId) ? input.threadId : undefined) ??
      (input.threadByReferences ? this.threadByReferences(input.parsed) : undefined) ??
      // A new thread takes its first message's id, as in Gmail.
      id;
    this.historyId += 1;
    const message: StoredMessage = {
      id,
      threadId,
      labelIds: [...new Set(input.labelIds)],
      internalDate: input.internalDate,
      historyId: this.historyId,
      raw: input.raw,
      parsed: input.parsed,
      sequence: this.sequence++,
    };
    this.messages.set(id, message);
    return message;
  }

  get(id: string): StoredMessage | undefined {
    return this.messages.get(id);
  }

  hasThread(threadId: string): boolean {
    for (const message of this.messages.values()) if (message.threadId === threadId) return true;
    return false;
  }

  /** A thread's messages, oldest first. */
  thread(threadId: string): StoredMessage[] {
    return [...this.messages.values()]
      .filter((message) => message.threadId === threadId)
      .sort((a, b) => a.internalDate - b.internalDate || a.sequence - b.sequence);
  }

  /** Messages matching the options, newest first, as Gmail lists them. */
  list(options: ListOptions = {}): StoredMessage[] {
    const query = parseQuery(options.q ?? '');
    // Gmail leaves spam and trash out unless asked for, by flag or by the query itself.
    const hideSpamTrash = options.includeSpamTrash !== true && !mentionsSpamOrTrash(query);
    const now = Date.now();
    return [...this.messages.values()]
      .filter((message) => !hideSpamTrash || !message.labelIds.some((label) => label === 'SPAM' || label === 'TRASH'))
      .filter((message) => (options.labelIds ?? []).every((label) => message.labelIds.includes(label)))
      .filter((message) => matchesQuery(query, searchable(message, this.labels), { now }))
      .sort((a, b) => b.internalDate - a.internalDate || b.sequence - a.sequence);
  }

  /** Applies label changes; removing wins when a label is in both lists. */
  modify(id: string, add: readonly string[], remove: readonly string[]): StoredMessage | undefined {
    const message = this.messages.get(id);
    if (message === undefined) return undefined;
    const labels = new Set(message.labelIds);
    for (const label of add) labels.add(label);
    for (const label of remove) labels.delete(label);
    message.labelIds = [...labels];
    this.historyId += 1;
    message.historyId = this.historyId;
    return message;
  }

  /** Removes a message (a draft sent or deleted); false when there was none. */
  remove(id: string): boolean {
    this.historyId += 1;
    return this.messages.delete(id);
  }

  get messagesTotal(): number {
    return this.messages.size;
  }

  get threadsTotal(): number {
    return new Set([...this.messages.values()].map((message) => message.threadId)).size;
  }

  private threadByReferences(parsed: ParsedMail): string | undefined {
    const wanted = new Set([...parsed.referencedIds, parsed.messageId].filter((id) => id !== '').map(normalizeId));
    if (wanted.size === 0) return undefined;
    // Prefer the newest match so a reply joins the thread its latest reference lives in.
    let found: StoredMessage | undefined;
    for (const message of this.messages.values()) {
      if (
        wanted.has(normalizeId(message.parsed.messageId)) &&
        (found === undefined || message.sequence > found.sequence)
      ) {
        found = message;
      }
    }
    return found?.threadId;
  }
}

const normalizeId = (id: string) => id.trim().toLowerCase();

function searchable(message: StoredMessage, labels: LabelStore): SearchableMessage {
  const { parsed } = message;
  return {
    labelIds: message.labelIds,
    labelNames: message.labelIds.map((id) => labels.nameOf(id)),
    from: parsed.from,
    to: parsed.to,
    cc: parsed.cc,
    bcc: parsed.bcc,
    subject: parsed.subject,
    messageId: parsed.messageId,
    body: parsed.searchText,
    hasAttachment: parsed.attachments.some((attachment) => attachment.disposition === 'attachment'),
    internalDate: message.internalDate,
  };
}
