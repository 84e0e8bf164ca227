/**
 * A mailbox's labels: Gmail's system labels (their id is their name) and the user's own
 * (`Label_<n>` ids with a display name), so search can say `label:Name` and modify can be
 * given ids that exist, as in Gmail.
 */

export interface LabelResource {
  id: string;
  name: string;
  type: 'system' | 'user';
}

/** The system labels Gmail lists for every account. */
export const SYSTEM_LABELS: readonly string[] = [
  'INBOX',
  'SENT',
  'DRAFT',
  'SPAM',
  'TRASH',
  'UNREAD',
  'STARRED',
  'IMPORTANT',
  'CHAT',
  'CATEGORY_PERSONAL',
  'CATEGORY_SOCIAL',
  'CATEGORY_PROMOTIONS',
  'CATEGORY_UPDATES',
  'CATEGORY_FORUMS',
];

export class LabelStore {
  private readonly user = new Map<string, LabelResource>();
  private next = 1;

  /** Every label, system ones first. */
  all(): LabelResource[] {
    return [...SYSTEM_LABELS.map((id): LabelResource => ({ id, name: id, type: 'system' })), ...this.user.values()];
  }

  /** Creates a user label; undefined when the name is taken (case-insensitively), as Gmail's 409. */
  create(name: string): LabelResource | undefined {
    const taken = this.all().some((label) => label.name.toLowerCase() === name.toLowerCase());
    if (taken) return undefined;
    const label: LabelResource = { id: `Label_${this.next++}`, name, type: 'user' };
    this.user.set(label.id, label);
    return label;
  }

  has(id: string): boolean {
    return SYSTEM_LABELS.includes(id) || this.user.has(id);
  }

  /** The display name of a label id (a user label's name; a system label's id). */
  nameOf(id: string): string {
    return this.user.get(id)?.name ?? id;
  }
}
