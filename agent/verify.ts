import { jobIdOf, type PublicKeyInput, type SignedJob, verifyJob } from '#lib/agent-wire/signing';
import { inspectsProgram } from './argument-kinds.ts';
import {
  argumentTargetProblem,
  type Catalog,
  type CatalogEntry,
  checkArgs,
  checkArgsOnDisk,
  type LaunchPlan,
  planLaunch,
} from './catalog.ts';
import type { InspectPort } from './executable.ts';
import type { AgentState } from './state.ts';

/**
 * The gate every job passes before anything is spawned: signature with the pinned broker
 * key, addressed to us, inside its validity window, never seen before, an app from our
 * own catalog, arguments that entry allows. An admitted job's id is on disk before this
 * returns, so it can never run twice, even if the agent dies while launching it.
 */

export type RefusalReason =
  | 'malformed'
  | 'bad_signature'
  | 'wrong_agent'
  | 'expired'
  | 'not_yet_valid'
  | 'replayed'
  | 'unknown_app'
  | 'args_refused';

export type Admission =
  | { ok: true; job: SignedJob; entry: CatalogEntry; plan: LaunchPlan }
  | { ok: false; jobId: string | undefined; reason: RefusalReason; message: string };

export interface AdmissionContext {
  agentId: string;
  /** The broker key pinned at registration; never one that came with the job. */
  brokerPublicKey: PublicKeyInput;
  catalog: Catalog;
  state: Pick<AgentState, 'hasSeen' | 'recordSeen'>;
  now: () => number;
  fileExists: (file: string) => boolean;
  /** Reads what a program file is; `inspectExecutable` by default. */
  inspect?: InspectPort | undefined;
}

const SIGNATURE_MESSAGES = {
  malformed: 'job is malformed',
  bad_signature: 'job signature does not verify with the pinned broker key',
  wrong_agent: 'job is addressed to another agent',
  expired: 'job has expired',
  not_yet_valid: 'job is issued in the future (check this computer’s clock)',
} as const;

export async function admitJob(raw: unknown, context: AdmissionContext): Promise<Admission> {
  const jobId = jobIdOf(raw);
  const refuse = (reason: RefusalReason, message: string): Admission => ({ ok: false, jobId, reason, message });

  const verified = verifyJob(raw, context.brokerPublicKey, { agentId: context.agentId, now: context.now() });
  if (!verified.ok) return refuse(verified.reason, SIGNATURE_MESSAGES[verified.reason]);
  const job = verified.job;

  if (context.state.hasSeen(job.job_id)) return refuse('replayed', 'job was already handled');

  const entry = context.catalog.find(job.app);
  if (entry === undefined)
    return refuse('unknown_app', `"${printable(job.app)}" is not in this computer's app catalog`);

  const written = checkArgs(entry, job.args);
  if (!written.ok) return refuse('args_refused', written.message);
  const args = await checkArgsOnDisk(entry, written.args);
  if (!args.ok) return refuse('args_refused', args.message);
  const plan = planLaunch(entry, args.args, context.fileExists);
  // Checked at startup too; checked again because the file may have changed since (an
  // update that turned a program into a wrapper script, a link pointed elsewhere).
  if (inspectsProgram(entry.allowArgs) && args.args.length > 0 && entry.target.kind === 'exec') {
    const problem = await argumentTargetProblem(plan.command, context.catalog.platform, context.inspect);
    if (problem !== undefined) return refuse('args_refused', problem);
  }

  await context.state.recordSeen(job.job_id, job.expires_at, context.now());
  return { ok: true, job, entry, plan };
}

/** Text from the network made safe for one log line: control characters escaped, length capped. */
export function printable(text: string, max = 120): string {
  const escaped = JSON.stringify(text)
    .slice(1, -1)
    // Line separators and bidirectional overrides could disguise a log line.
    .replace(/[\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16)}`);
  return escaped.length > max ? `${escaped.slice(0, max)}…` : escaped;
}
