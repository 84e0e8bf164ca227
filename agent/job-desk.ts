import type { ResultRequest } from '#lib/agent-wire/protocol';
import { JobId } from '#lib/agent-wire/protocol';
import { jobIdOf } from '#lib/agent-wire/signing';
import { type JobRunContext, runJob } from './run-job.ts';
import type { AgentState } from './state.ts';
import { printable } from './verify.ts';

/** How a job came, and how to answer on the same path. */
export interface Delivery {
  /** Tells the broker the job arrived (the socket; a poll's result stands for it). */
  ack?: (jobId: string) => void;
  report: (result: ResultRequest) => Promise<void>;
}

/** Whom jobs must be addressed to and signed by: the current registration's. */
export type Addressee = Pick<JobRunContext, 'agentId' | 'brokerPublicKey'>;

export interface JobDeskContext extends Omit<JobRunContext, keyof Addressee> {
  state: AgentState;
  out: (line: string) => void;
  log: (line: string) => void;
}

/**
 * Where delivered jobs are handled, whichever transport brought them. Delivery is at
 * least once, execution exactly once: a job is acknowledged on receipt; its id is on disk
 * before anything is spawned (`admitJob`); a job delivered again (a lost ack, a push to
 * two connections, a lease that ended) is never run again: its result is reported again,
 * or, if the agent stopped mid-launch, a failure that says so.
 */
export class JobDesk {
  readonly #context: JobDeskContext;
  readonly #inHand = new Map<string, Promise<unknown>>();
  readonly #running = new Set<Promise<unknown>>();

  constructor(context: JobDeskContext) {
    this.#context = context;
  }

  /** Handles one delivered job; resolves, once it is reported, with its result if it was run (or refused) now. */
  take(raw: unknown, delivery: Delivery, addressee: Addressee): Promise<ResultRequest | undefined> {
    const task = this.#take(raw, delivery, addressee);
    this.#running.add(task);
    const done = () => this.#running.delete(task);
    task.then(done, done);
    return task;
  }

  /** Resolves once every job in hand is done and reported. */
  async idle(): Promise<void> {
    while (this.#running.size > 0) await Promise.allSettled([...this.#running]);
  }

  async #take(raw: unknown, delivery: Delivery, addressee: Addressee): Promise<ResultRequest | undefined> {
    const { state, log, out } = this.#context;
    const candidate = jobIdOf(raw);
    const jobId = JobId.safeParse(candidate).success ? candidate : undefined;
    if (jobId !== undefined) delivery.ack?.(jobId);
    if (jobId !== undefined && this.#inHand.has(jobId)) {
      // The first delivery is still launching it, and will report.
      await this.#inHand.get(jobId);
      return undefined;
    }
    if (jobId !== undefined && state.hasSeen(jobId)) {
      log(`Job ${printable(jobId)} was delivered again; reporting its result again (a job never runs twice).`);
      await delivery.report(state.resultOf(jobId) ?? interrupted(jobId));
      return undefined;
    }
    const run = (async () => {
      const { line, result } = await runJob(raw, { ...this.#context, ...addressee });
      out(line);
      if (result === undefined) return undefined;
      // The report does not wait for the disk: the job id is already there, so the worst a
      // crash in between can do is have a second delivery report "interrupted".
      await Promise.all([state.recordResult(result), delivery.report(result)]);
      return result;
    })();
    if (jobId !== undefined) this.#inHand.set(jobId, run);
    try {
      return await run;
    } finally {
      if (jobId !== undefined) this.#inHand.delete(jobId);
    }
  }
}

/** The report for a job this agent accepted but has no result for: it stopped mid-launch. */
function interrupted(jobId: string): ResultRequest {
  return {
    job_id: jobId,
    status: 'failed',
    message: 'The agent stopped while starting this app and did not start it again; it may not have opened.',
  };
}
