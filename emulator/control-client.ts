import type {
  CreatedUser,
  CreateUserInput,
  FaultInput,
  RecordedRequest,
  SeededMessage,
  SeedMessageInput,
  SentMessage,
} from './control-schemas.ts';

export type { CreatedUser, CreateUserInput, FaultInput, RecordedRequest, SeededMessage, SeedMessageInput, SentMessage };

/** A control API call the emulator refused; `body` is its JSON answer. */
export class EmulatorControlError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(`Google emulator control request failed with ${status}: ${JSON.stringify(body)}`);
  }
}

/**
 * Typed client for a running emulator's control API (`/__emulator/...`), over HTTP with
 * fetch, so it works against an emulator in another process as well as in this one.
 */
export class EmulatorControl {
  private readonly base: string;

  /** `url` is the emulator's base URL, as `GoogleEmulator.url` gives it. */
  constructor(url: string) {
    this.base = url.replace(/\/+$/, '');
  }

  private async call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${this.base}/__emulator/${path}`, {
      method,
      ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    });
    const text = await response.text();
    const json: unknown = text === '' ? undefined : JSON.parse(text);
    if (!response.ok) throw new EmulatorControlError(response.status, json);
    return json as T;
  }

  /** Creates a user (or adds a grant to an existing one); random tokens unless given. */
  createUser(input: CreateUserInput): Promise<CreatedUser> {
    return this.call('POST', 'users', input);
  }

  /** Seeds a received message from its RFC 822 source (INBOX, UNREAD unless told). */
  seedMessage(input: SeedMessageInput): Promise<SeededMessage> {
    return this.call('POST', 'messages', input);
  }

  /** What a user sent (all users when omitted), in send order, sources decoded. */
  async sent(email?: string): Promise<SentMessage[]> {
    const query = email === undefined ? '' : `?email=${encodeURIComponent(email)}`;
    return (await this.call<{ messages: SentMessage[] }>('GET', `sent${query}`)).messages;
  }

  /** Gmail and OAuth requests received since the last clear, oldest first. */
  async requests(): Promise<RecordedRequest[]> {
    return (await this.call<{ requests: RecordedRequest[] }>('GET', 'requests')).requests;
  }

  async clearRequests(): Promise<void> {
    await this.call('POST', 'requests/clear');
  }

  /**
   * Delays every Gmail and OAuth answer by `ms` (0 turns it off), or only those whose path
   * matches `pathPattern` (a regular expression source).
   */
  async setLatency(ms: number, pathPattern?: string): Promise<void> {
    await this.call('POST', 'latency', { ms, ...(pathPattern === undefined ? {} : { pathPattern }) });
  }

  /** Makes the next `times` (default 1) matching requests fail with `status`. */
  async addFault(fault: FaultInput): Promise<void> {
    await this.call('POST', 'faults', fault);
  }

  /** Disarms faults that have not been spent yet. */
  async clearFaults(): Promise<void> {
    await this.call('POST', 'faults/clear');
  }

  /** Revokes the grant behind an access or refresh token. */
  async revokeToken(token: string): Promise<void> {
    await this.call('POST', 'tokens/revoke', { token });
  }

  /** Revokes every grant a user gave (refresh tokens then answer `invalid_grant`); how many. */
  async revokeGrants(email: string): Promise<number> {
    return (await this.call<{ revoked: number }>('POST', 'users/revoke-grants', { email })).revoked;
  }

  /** Makes `email` the user who consents at the authorization endpoint (unless `login_hint` names another). */
  async setConsentUser(email: string): Promise<void> {
    await this.call('POST', 'consent-user', { email });
  }

  /** Expires an access token now; its refresh token keeps working. */
  async expireToken(token: string): Promise<void> {
    await this.call('POST', 'tokens/expire', { token });
  }

  /** Clears all users, mail, logs, latency and faults (and re-seeds the demo if enabled). */
  async reset(): Promise<void> {
    await this.call('POST', 'reset');
  }
}
