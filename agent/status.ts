import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { AGENT_PROGRAM } from '#lib/agent-wire/protocol';
import { LOG_FILE } from './log-file.ts';
import { STATE_FILE } from './state.ts';
import { type AgentStatus, readStatus } from './status-file.ts';
import { printable } from './verify.ts';

/**
 * `agent status`: what the agent on this computer is doing, from the files in its state
 * directory (the running agent's `status.json`, the registration in `state.json`) and
 * whether the service is installed. Read-only: it never contacts the broker.
 */

export interface StatusInput {
  stateDir: string;
  /** The broker given on the command line, shown when the agent has never run. */
  brokerUrl: string;
  version: string;
  /** The service's marker file, and whether it exists. */
  service: { installed: boolean; marker: string };
  /** Whether a process with this id is alive. */
  isRunning: (pid: number) => boolean;
}

export interface StatusReport {
  lines: string[];
  /** Running, connected and paired: everything a launch needs. */
  healthy: boolean;
}

interface RegistrationView {
  broker_url?: string;
  agent_id?: string;
  paired?: boolean;
  pairing_code?: string;
  pairing_expires_at?: number;
}

export async function agentStatus(input: StatusInput): Promise<StatusReport> {
  const status = await readStatus(input.stateDir);
  const registration = await readRegistration(input.stateDir);
  const running = status !== undefined && input.isRunning(status.pid);
  const broker = status?.broker_url ?? registration?.broker_url ?? input.brokerUrl;
  const paired = status?.paired ?? registration?.paired ?? false;
  const agentId = status?.agent_id ?? registration?.agent_id;

  const lines = [`${AGENT_PROGRAM} ${input.version}`, `Broker:      ${broker}`];
  if (agentId === undefined) lines.push('Computer:    not registered yet (start the agent to get a pairing code)');
  else if (paired) lines.push(`Computer:    ${printable(agentId)}, paired`);
  else lines.push(`Computer:    ${printable(agentId)}, not paired${pairingHint(registration)}`);
  lines.push(`Account:     ${status?.account === undefined ? 'not known to the agent' : printable(status.account)}`);
  lines.push(`Running:     ${describeRunning(status, running)}`);
  if (status !== undefined && running) lines.push(`Connection:  ${describeConnection(status.connection)}`);
  if (status !== undefined)
    lines.push(`Catalog:     ${status.catalog_size} app${status.catalog_size === 1 ? '' : 's'}`);
  lines.push(`Last job:    ${describeJob(status?.last_job)}`);
  lines.push(`Service:     ${input.service.installed ? `installed (${input.service.marker})` : 'not installed'}`);
  lines.push(`State dir:   ${input.stateDir}`);
  lines.push(`Log file:    ${path.join(input.stateDir, LOG_FILE)}`);
  return { lines, healthy: running && paired && status?.connection.state === 'connected' };
}

function pairingHint(registration: RegistrationView | undefined): string {
  const code = registration?.pairing_code;
  if (code === undefined) return '';
  const until = registration?.pairing_expires_at;
  const valid = until === undefined ? '' : ` (valid until ${new Date(until).toISOString()})`;
  return `: say "pair my computer, code ${printable(code, 64)}" to ChatGPT${valid}`;
}

function describeRunning(status: AgentStatus | undefined, running: boolean): string {
  if (status === undefined) return 'no (it has not run with this state directory)';
  if (!running) return `no (last run pid ${status.pid}, last update ${iso(status.updated_at)})`;
  return `yes, pid ${status.pid}, since ${iso(status.started_at)}`;
}

function describeConnection(connection: AgentStatus['connection']): string {
  const error = connection.error === undefined ? '' : `: ${connection.error}`;
  return `${connection.state} over ${connection.transport} since ${iso(connection.since)}${error}`;
}

function describeJob(job: AgentStatus['last_job']): string {
  if (job === undefined) return 'none yet';
  const why = job.message === undefined ? '' : `: ${job.message}`;
  return `${job.outcome} ${job.app || '(no app)'} (job ${job.job_id}) at ${iso(job.at)}${why}`;
}

async function readRegistration(stateDir: string): Promise<RegistrationView | undefined> {
  try {
    const state = JSON.parse(await readFile(path.join(stateDir, STATE_FILE), 'utf8')) as {
      registration?: RegistrationView;
    };
    return state.registration;
  } catch {
    return undefined;
  }
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** `process.kill(pid, 0)`: alive if it can be signalled, or exists but belongs to another user. */
export function processIsRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
