import * as z from 'zod';
import { AGENT_NAME_MAX, JOB_ID_PATTERN } from '../agent-protocol.ts';
import { successEnvelope } from './common.ts';

/** A catalog name as a person says it: "chrome", "VS Code", "Google Chrome". */
const AppName = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .regex(/^[\p{L}\p{N} ._+-]+$/u, 'must be an application name such as "chrome" or "VS Code"');

/** Arguments travel as a list of literal strings; the agent decides what each app accepts. */
const AppArgument = z
  .string()
  .max(2048)
  .refine((value) => !value.includes('\0'), { message: 'must not contain NUL characters' });

export const LaunchAppRequest = z.object({
  app_name: AppName.describe('Application to open, by name: chrome, vscode, notepad, calculator, firefox, ...'),
  args: z
    .array(AppArgument)
    .max(20)
    .nullish()
    .describe("Optional arguments, e.g. a URL for a browser. The computer's agent decides which apps take arguments."),
  agent: z
    .string()
    .max(AGENT_NAME_MAX)
    .nullish()
    .describe('Which paired computer (its name or id); default: the one seen most recently.'),
});
export type LaunchAppRequest = z.infer<typeof LaunchAppRequest>;

export const JobStatus = z.enum(['pending', 'claimed', 'launched', 'failed', 'refused', 'expired']);
export type JobStatus = z.infer<typeof JobStatus>;

export const LaunchResult = z.object({
  job_id: z.string(),
  status: JobStatus.describe(
    'launched, failed or refused (with a reason), or pending/claimed while the computer has not answered yet.',
  ),
  app: z.string(),
  args: z.array(z.string()),
  agent_id: z.string(),
  agent_name: z.string(),
  reason: z.string().nullable().describe("The agent's explanation when the launch failed or was refused."),
  pid: z.number().int().nullable(),
  expires_at: z.string().describe('When an unclaimed job stops being valid (ISO 8601).'),
});
export type LaunchResult = z.infer<typeof LaunchResult>;

export const LaunchAppResponse = z.object({
  success: z.boolean(),
  message: z.string(),
  data: LaunchResult,
});

export const JobStatusRequest = z.object({
  job_id: z
    .string()
    .regex(JOB_ID_PATTERN, 'must be a job id as returned by launch_app')
    .describe('The job_id launch_app answered.'),
});

export const PairAgentRequest = z.object({
  code: z
    .string()
    .trim()
    .min(4)
    .max(16)
    .describe('The pairing code the desktop agent printed ("Pairing code: BCDF-GHJK").'),
});

export const PairAgentResponse = successEnvelope(
  z.object({ agent_id: z.string(), name: z.string(), platform: z.string() }),
);
