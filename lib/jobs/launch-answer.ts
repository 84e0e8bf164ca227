import type { LaunchResult } from '../schemas/apps.ts';
import { isFinished, type JobRecord } from './queue.ts';

// The computer's name is the agent's own words: it stays in `data.agent_name`, never in the sentence.
function describe(record: JobRecord): { success: boolean; message: string } {
  const app = record.app;
  const where = 'the paired computer';
  switch (record.status) {
    case 'launched':
      return { success: true, message: `${app} opened on ${where}.` };
    case 'refused':
      return {
        success: false,
        message: `The paired computer refused to open ${app}: ${record.reason ?? 'no reason given'}`,
      };
    case 'failed':
      return {
        success: false,
        message: `${app} could not be opened on ${where}: ${record.reason ?? 'no reason given'}`,
      };
    case 'expired':
      return {
        success: false,
        message: 'The paired computer did not pick up the request in time. Is its agent running?',
      };
    default:
      return {
        success: true,
        message: `Sent to ${where}; it has not answered yet. Ask again with get_launch_status and job id ${record.job_id}.`,
      };
  }
}

/** A launch job as the original API's `{success, message, data}` answer tells it. */
export interface LaunchAnswer {
  /** False while the agent has not answered: the handlers answer 202 then. */
  settled: boolean;
  body: { success: boolean; message: string; data: LaunchResult };
}

/** Where a launch job stands, for launch_app and get_launch_status to answer alike. */
export function launchAnswer(record: JobRecord): LaunchAnswer {
  const data: LaunchResult = {
    job_id: record.job_id,
    status: record.status,
    app: record.app,
    args: record.args,
    agent_id: record.agent_id,
    agent_name: record.agent_name,
    reason: record.reason ?? null,
    pid: record.pid ?? null,
    expires_at: new Date(record.expires_at).toISOString(),
  };
  return { settled: isFinished(record.status), body: { ...describe(record), data } };
}
