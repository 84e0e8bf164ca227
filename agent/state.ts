import { chmod, mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { ResultRequest } from '#lib/agent-wire/protocol';
import { generateSigningKeyPair } from '#lib/agent-wire/signing';
import * as z from '#lib/zod';
import { writeJsonAtomic } from './json-file.ts';

/**
 * What the agent keeps on disk, in a directory of its own (mode 0700, files 0600, every
 * write atomic: temp file, fsync, rename):
 * - `state.json`: its key pair, the broker public keys it pinned, its registration;
 * - `seen-jobs.json`: every job id it has accepted, kept until the job's expiry (plus a
 *   margin), so a job never runs twice, even across restarts or a kill mid-launch; and the
 *   result it reported for each, so a job delivered again is answered again, not re-run.
 */

export const STATE_FILE = 'state.json';
export const SEEN_FILE = 'seen-jobs.json';

/** Seen ids outlive their job by this much, in case the clock steps back. */
export const SEEN_MARGIN_MS = 10 * 60_000;

const Registration = z.object({
  broker_url: z.string(),
  agent_id: z.string().check(z.minLength(1)),
  broker_public_key: z.string().check(z.minLength(1)),
  paired: z.boolean(),
  pairing_code: z.optional(z.string()),
  pairing_expires_at: z.optional(z.number()),
  poll_interval_ms: z.number().check(z.int(), z.minimum(0)),
});
export type Registration = z.infer<typeof Registration>;

const StateFile = z.object({
  version: z.literal(1),
  public_key: z.string().check(z.minLength(1)),
  private_key: z.string().check(z.minLength(1)),
  /** Broker URL -> the broker public key received at the first registration there. */
  pinned_broker_keys: z.record(z.string(), z.string()),
  registration: z.optional(Registration),
});
type StateFile = z.infer<typeof StateFile>;

const SeenFile = z.object({
  version: z.literal(1),
  jobs: z.record(z.string(), z.number()),
  results: z.optional(z.record(z.string(), ResultRequest)),
});

/** The state directory cannot be read or holds something unexpected: the user must act. */
export class StateError extends Error {
  constructor(message: string, options?: { cause: unknown }) {
    super(message, options);
    this.name = 'StateError';
  }
}

const isWindows = process.platform === 'win32';

export class AgentState {
  readonly dir: string;
  #state: StateFile;
  readonly #seen: Map<string, number>;
  readonly #results: Map<string, ResultRequest>;
  #writes: Promise<unknown> = Promise.resolve();

  private constructor(dir: string, state: StateFile, seen: Map<string, number>, results: Map<string, ResultRequest>) {
    this.dir = dir;
    this.#state = state;
    this.#seen = seen;
    this.#results = results;
  }

  /** Opens (creating if needed) the state in `dir`; a first open generates the key pair. */
  static async open(dir: string, now: number): Promise<AgentState> {
    try {
      await mkdir(dir, { recursive: true, mode: 0o700 });
      // mkdir's mode does not apply to a directory that already existed.
      if (!isWindows) await chmod(dir, 0o700);
    } catch (error) {
      throw new StateError(`cannot use state directory ${dir}: ${(error as Error).message}`, { cause: error });
    }
    const stored = await readJson(path.join(dir, STATE_FILE), StateFile);
    const seenFile = await readJson(path.join(dir, SEEN_FILE), SeenFile);
    const seen = new Map(Object.entries(seenFile?.jobs ?? {}));
    const results = new Map(Object.entries(seenFile?.results ?? {}));
    const state = new AgentState(dir, stored ?? { version: 1, ...keyFields(), pinned_broker_keys: {} }, seen, results);
    if (stored === undefined) await state.#saveState();
    state.#prune(now);
    return state;
  }

  get publicKey(): string {
    return this.#state.public_key;
  }

  get privateKey(): string {
    return this.#state.private_key;
  }

  /** The current registration, if it is for `brokerUrl`. */
  registrationFor(brokerUrl: string): Registration | undefined {
    const registration = this.#state.registration;
    return registration?.broker_url === brokerUrl ? registration : undefined;
  }

  /** The broker key pinned for `brokerUrl` at the first registration there. */
  pinnedBrokerKey(brokerUrl: string): string | undefined {
    return this.#state.pinned_broker_keys[brokerUrl];
  }

  /** Stores a registration and pins its broker key if none is pinned for that broker yet. */
  async saveRegistration(registration: Registration): Promise<void> {
    const pins = this.#state.pinned_broker_keys;
    this.#state = {
      ...this.#state,
      registration,
      pinned_broker_keys: { [registration.broker_url]: registration.broker_public_key, ...pins },
    };
    await this.#saveState();
  }

  async markPaired(): Promise<void> {
    const registration = this.#state.registration;
    if (registration === undefined || registration.paired) return;
    const { pairing_code: _code, pairing_expires_at: _expiry, ...rest } = registration;
    this.#state = { ...this.#state, registration: { ...rest, paired: true } };
    await this.#saveState();
  }

  /** Forgets the registration and pinned broker keys (`--reset`); keeps keys and seen jobs. */
  async reset(): Promise<void> {
    const { registration: _registration, ...rest } = this.#state;
    this.#state = { ...rest, pinned_broker_keys: {} };
    await this.#saveState();
  }

  hasSeen(jobId: string): boolean {
    return this.#seen.has(jobId);
  }

  /** Records a job id and returns once it is durably on disk. */
  async recordSeen(jobId: string, expiresAt: number, now: number): Promise<void> {
    this.#seen.set(jobId, expiresAt);
    this.#prune(now);
    await this.#saveSeen();
  }

  /** The result reported for a seen job, if it got that far. */
  resultOf(jobId: string): ResultRequest | undefined {
    return this.#results.get(jobId);
  }

  /** Keeps the result of a seen job, to report it again if the job is delivered again. */
  async recordResult(result: ResultRequest): Promise<void> {
    if (!this.#seen.has(result.job_id)) return;
    this.#results.set(result.job_id, result);
    await this.#saveSeen();
  }

  #saveSeen(): Promise<void> {
    const snapshot = { version: 1, jobs: Object.fromEntries(this.#seen), results: Object.fromEntries(this.#results) };
    return this.#enqueue(() => writeJsonAtomic(path.join(this.dir, SEEN_FILE), snapshot, { durable: true }));
  }

  #prune(now: number): void {
    for (const [id, expiresAt] of this.#seen) {
      if (expiresAt + SEEN_MARGIN_MS < now) {
        this.#seen.delete(id);
        this.#results.delete(id);
      }
    }
  }

  #saveState(): Promise<void> {
    const snapshot = this.#state;
    return this.#enqueue(() => writeJsonAtomic(path.join(this.dir, STATE_FILE), snapshot, { durable: true }));
  }

  /** Writes run one at a time, in order. */
  #enqueue(write: () => Promise<void>): Promise<void> {
    const next = this.#writes.then(write, write);
    this.#writes = next.catch(() => undefined);
    return next;
  }
}

function keyFields(): Pick<StateFile, 'public_key' | 'private_key'> {
  const pair = generateSigningKeyPair();
  return { public_key: pair.publicKey, private_key: pair.privateKey };
}

async function readJson<T>(file: string, schema: z.ZodMiniType<T>): Promise<T | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new StateError(`cannot read ${file}: ${(error as Error).message}`, { cause: error });
  }
  if (!isWindows) await chmod(file, 0o600).catch(() => undefined);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new StateError(`${file} is not valid JSON; move it away to start over`, { cause: error });
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    throw new StateError(`${file} is not an agent state file (${parsed.error.issues[0]?.message ?? 'invalid'})`);
  }
  return parsed.data;
}
