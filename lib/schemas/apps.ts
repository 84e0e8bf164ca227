import * as z from 'zod';
import { isValidPublicKey } from '../jobs/signing.ts';
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
    .max(64)
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
    .regex(/^[A-Za-z0-9_-]{8,64}$/, 'must be a job id as returned by launch_app')
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

export const Platform = z.enum(['windows', 'macos', 'linux']);

export const RegisterAgentRequest = z.object({
  name: z.string().trim().min(1).max(64),
  platform: Platform,
  public_key: z
    .string()
    .max(200)
    .refine(isValidPublicKey, { message: 'must be the base64 SPKI of an Ed25519 public key' }),
});

export const RegisterAgentResponse = z.object({
  success: z.literal(true),
  agent_id: z.string(),
  pairing_code: z.string(),
  expires_at: z.number().int().describe('When the pairing code stops working (ms since the epoch).'),
  broker_public_key: z.string(),
  poll_interval_ms: z.number().int(),
});

export const PollResponse = z.object({
  success: z.literal(true),
  status: z.enum(['unpaired', 'idle', 'paired', 'job']),
  job: z.unknown().optional(),
});

export const AgentResultRequest = z.object({
  job_id: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/),
  status: z.enum(['launched', 'failed', 'refused']),
  message: z.string().max(1000).nullish(),
  pid: z.number().int().nonnegative().nullish(),
});
export type AgentResultRequest = z.infer<typeof AgentResultRequest>;

export const AgentResultResponse = z.object({ success: z.literal(true), accepted: z.boolean() });
