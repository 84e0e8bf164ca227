import { readFile } from 'node:fs/promises';
import path from 'node:path';
import * as z from '#lib/zod';
import { writeJsonAtomic } from './json-file.ts';

/**
 * `status.json` in the state directory: what the running agent says about itself, for
 * `agent status` (another process) to read. The running agent rewrites it (atomically)
 * when something in it changes. It never holds job arguments, keys or pairing codes.
 * Whichever transport the loop uses writes it through `StatusWriter`.
 */

export const STATUS_FILE = 'status.json';

export const Transport = z.enum(['http-poll', 'websocket']);
export type Transport = z.infer<typeof Transport>;

export const JobOutcomeKind = z.enum(['launched', 'failed', 'refused']);

export const AgentStatus = z.object({
  version: z.literal(1),
  /** The running agent's process id, and when it started (ms since epoch). */
  pid: z.number().check(z.int()),
  started_at: z.number(),
  /** When this file was last written. */
  updated_at: z.number(),
  broker_url: z.string(),
  agent_id: z.optional(z.string()),
  paired: z.boolean(),
  /** The account the broker says this computer is paired to, when it says so. */
  account: z.optional(z.string()),
  connection: z.object({
    state: z.enum(['connecting', 'connected', 'disconnected']),
    transport: Transport,
    /** When it entered this state. */
    since: z.number(),
    /** Why it is disconnected: an error message without request data. */
    error: z.optional(z.string()),
  }),
  catalog_size: z.number().check(z.int()),
  last_job: z.optional(
    z.object({
      job_id: z.string(),
      /** The catalog name, or the requested name (escaped) when it is not in the catalog. */
      app: z.string(),
      outcome: JobOutcomeKind,
      at: z.number(),
      /** For failed and refused jobs: why. */
      message: z.optional(z.string()),
    }),
  ),
});
export type AgentStatus = z.infer<typeof AgentStatus>;

/** Reads the status file of `stateDir`; `undefined` if there is none or it is not one. */
export async function readStatus(stateDir: string): Promise<AgentStatus | undefined> {
  let text: string;
  try {
    text = await readFile(path.join(stateDir, STATUS_FILE), 'utf8');
  } catch {
    return undefined;
  }
  try {
    const parsed = AgentStatus.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

type Patch = Partial<Omit<AgentStatus, 'version' | 'pid' | 'started_at' | 'updated_at'>>;

/**
 * Keeps the running agent's status and writes it on every change, one write at a time.
 * A failed write is ignored: status is for people, never a reason to stop launching.
 */
export class StatusWriter {
  readonly #file: string;
  readonly #now: () => number;
  #status: AgentStatus;
  #writes: Promise<void> = Promise.resolve();

  constructor(
    stateDir: string,
    initial: { broker_url: string; transport: Transport; catalog_size: number },
    now: () => number = Date.now,
  ) {
    this.#file = path.join(stateDir, STATUS_FILE);
    this.#now = now;
    const at = now();
    this.#status = {
      version: 1,
      pid: process.pid,
      started_at: at,
      updated_at: at,
      broker_url: initial.broker_url,
      paired: false,
      connection: { state: 'connecting', transport: initial.transport, since: at },
      catalog_size: initial.catalog_size,
    };
  }

  get current(): AgentStatus {
    return this.#status;
  }

  /** Applies `patch` and writes the file; resolves once written (or failed). */
  update(patch: Patch): Promise<void> {
    this.#status = AgentStatus.parse({ ...this.#status, ...patch, updated_at: this.#now() });
    const snapshot = this.#status;
    this.#writes = this.#writes.then(() =>
      writeJsonAtomic(this.#file, snapshot, { durable: false }).catch(() => undefined),
    );
    return this.#writes;
  }

  /** Records a connection state (and the transport, when it changed), keeping `since` when neither changed. */
  connection(state: AgentStatus['connection']['state'], error?: string, transport?: Transport): Promise<void> {
    const previous = this.#status.connection;
    const over = transport ?? previous.transport;
    if (previous.state === state && previous.error === error && previous.transport === over) return this.#writes;
    return this.update({
      connection: {
        state,
        transport: over,
        since: this.#now(),
        ...(error === undefined ? {} : { error: error.slice(0, 300) }),
      },
    });
  }
}
