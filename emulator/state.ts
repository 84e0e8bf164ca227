import type { CreateUserInput } from './accounts.ts';
import { Accounts } from './accounts.ts';
import { Mailbox } from './mailbox.ts';
import { Traffic } from './traffic.ts';

/**
 * Everything one emulator instance holds, in memory. Routes read the fields at call
 * time, so `reset()` can swap them for fresh ones.
 */
export class EmulatorState {
  accounts = new Accounts();
  readonly traffic = new Traffic();
  private mailboxes = new Map<string, Mailbox>();
  /** Who consents at the authorization endpoint when the request names nobody (`login_hint`). */
  consentUser: string | undefined;

  /** Creates a user (and their empty mailbox) or adds a token to an existing one. */
  createUser(input: CreateUserInput): { email: string; token: string; refreshToken: string } {
    const created = this.accounts.createUser(input);
    const key = created.email.toLowerCase();
    if (!this.mailboxes.has(key)) this.mailboxes.set(key, new Mailbox(created.email));
    return created;
  }

  mailbox(email: string): Mailbox | undefined {
    return this.mailboxes.get(email.toLowerCase());
  }

  allMailboxes(): Mailbox[] {
    return [...this.mailboxes.values()];
  }

  reset(): void {
    this.accounts = new Accounts();
    this.mailboxes = new Map();
    this.consentUser = undefined;
    this.traffic.reset();
  }
}
