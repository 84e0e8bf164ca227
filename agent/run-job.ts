import { JobId, type ResultRequest } from '#lib/agent-wire/protocol';
import { launch, type SpawnPort } from './launcher.ts';
import { type AdmissionContext, admitJob, printable } from './verify.ts';

/** One job from the wire to an outcome: admit (or refuse), launch, describe. */

export interface JobRunContext extends AdmissionContext {
  /** Defaults to node:child_process spawn. */
  spawn?: SpawnPort | undefined;
}

export interface JobOutcome {
  /** What to post to the broker; absent when the job had no usable id to report against. */
  result: ResultRequest | undefined;
  /** One human line for stdout, e.g. `launched gedit (job j-1, pid 4242)`. */
  line: string;
}

export async function runJob(raw: unknown, context: JobRunContext): Promise<JobOutcome> {
  try {
    const admission = await admitJob(raw, context);
    if (!admission.ok) {
      const id = admission.jobId === undefined ? 'without an id' : printable(admission.jobId);
      return {
        line: `refused job ${id}: ${admission.message}`,
        result: reportable(admission.jobId)
          ? { job_id: admission.jobId, status: 'refused', message: `${admission.reason}: ${admission.message}` }
          : undefined,
      };
    }
    const { job, entry, plan } = admission;
    const outcome = await launch(plan, context.spawn);
    if (outcome.status === 'launched') {
      const pid = outcome.pid === undefined ? '' : `, pid ${outcome.pid}`;
      return {
        line: `launched ${entry.name} (job ${printable(job.job_id)}${pid})`,
        result: { job_id: job.job_id, status: 'launched', ...(outcome.pid === undefined ? {} : { pid: outcome.pid }) },
      };
    }
    return {
      line: `failed ${entry.name} (job ${printable(job.job_id)}): ${outcome.message}`,
      result: { job_id: job.job_id, status: 'failed', message: outcome.message },
    };
  } catch (error) {
    // E.g. the job id could not be written to disk: then nothing was spawned.
    const message = `agent error: ${error instanceof Error ? error.message : String(error)}`.slice(0, 1_000);
    const jobId = (raw as { job_id?: unknown } | null)?.job_id;
    return {
      line: `failed job ${typeof jobId === 'string' ? printable(jobId) : 'without an id'}: ${message}`,
      result: reportable(jobId) ? { job_id: jobId, status: 'failed', message } : undefined,
    };
  }
}

/** Only an id the broker could have issued is worth a report: it refuses any other. */
function reportable(jobId: unknown): jobId is string {
  return JobId.safeParse(jobId).success;
}
