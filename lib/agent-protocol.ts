import * as z from 'zod';
import { isValidPublicKey } from './jobs/signing.ts';

/**
 * The wire protocol between the desktop agent and the broker, defined once: the broker's
 * operations and handlers and the agent (`agent/`) both import these paths, limits and
 * schemas, so a limit cannot differ between the two programs.
 *
 * Every agent request after registration carries the headers of `signRequest`
 * (`x-agent-id`, `x-agent-timestamp`, `x-agent-signature`) over the exact JSON body sent.
 */

export type { SignedJob } from './jobs/signing.ts';

/** The agent protocol's HTTP routes. */
export const AGENT_PATHS = {
  register: '/api/agent/register',
  poll: '/api/agent/poll',
  result: '/api/agent/result',
  /** Where the signed-in user confirms a pairing code (not called by the agent). */
  pair: '/api/agent/pair',
} as const;

/** Longest name a computer may be registered under (it is how the user picks it in launch_app). */
export const AGENT_NAME_MAX = 64;

/**
 * Largest accepted difference between an agent request's timestamp and the broker's clock.
 * An agent whose clock is further off than this has every request refused as stale.
 */
export const REQUEST_SKEW_MS = 5 * 60_000;

/** Job ids as the broker issues them (`job_` and 16 base64url characters), with room to grow. */
export const JOB_ID_PATTERN = /^[A-Za-z0-9_-]{8,64}$/;

export const JobId = z.string().regex(JOB_ID_PATTERN, 'must be a job id as issued by the broker');

/** Any character except controls and invisible formatting ones: names are shown to people. */
const VISIBLE = /^[^\p{Cc}\p{Cf}]*$/u;

/** A computer's name as its user will say it to ChatGPT: "work-laptop", "Kitchen PC". */
export const AgentName = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(AGENT_NAME_MAX, `must be at most ${AGENT_NAME_MAX} characters`)
  .regex(VISIBLE, 'must not contain control characters');

export const AgentPlatform = z.enum(['windows', 'macos', 'linux']);
export type AgentPlatform = z.infer<typeof AgentPlatform>;

/** `POST /api/agent/register` (unsigned: the agent has no id yet). */
export const RegisterRequest = z.object({
  name: AgentName,
  platform: AgentPlatform,
  /** Base64 SPKI DER of the agent's Ed25519 key, as made by `generateSigningKeyPair`. */
  public_key: z
    .string()
    .max(200)
    .refine(isValidPublicKey, { message: 'must be the base64 SPKI of an Ed25519 public key' }),
});
export type RegisterRequest = z.input<typeof RegisterRequest>;

/** 201 answer to register. */
export const RegisterResponse = z.object({
  success: z.literal(true),
  agent_id: z.string().min(1).max(200),
  /** Short one-time code the user confirms through the API with their Google token. */
  pairing_code: z.string().min(1).max(64),
  /** When the pairing code stops working, ms since the epoch. */
  expires_at: z.number().int().nonnegative().describe('When the pairing code stops working (ms since the epoch).'),
  /** Base64 SPKI DER of the broker's job-signing key: the agent pins it. */
  broker_public_key: z.string().min(1).max(1_000),
  /** How long to wait between polls that come back at once (unpaired, idle without a hold). */
  poll_interval_ms: z.number().int().min(0).max(600_000),
});
export type RegisterResponse = z.infer<typeof RegisterResponse>;

/** `POST /api/agent/poll`, body `{}`. */
export const PollRequest = z.strictObject({});
export type PollRequest = z.infer<typeof PollRequest>;

/**
 * 200 answer to poll. `unpaired`: the user has not confirmed the code yet; `paired`: the
 * code was just confirmed; `idle`: nothing to do; `job`: a signed job for this agent. The
 * job is left as `unknown` here: `verifyJob` is the agent's only judge of jobs.
 */
export const PollResponse = z.discriminatedUnion('status', [
  z.object({ success: z.literal(true), status: z.literal('unpaired') }),
  z.object({ success: z.literal(true), status: z.literal('paired') }),
  z.object({ success: z.literal(true), status: z.literal('idle') }),
  z.object({ success: z.literal(true), status: z.literal('job'), job: z.unknown() }),
]);
export type PollResponse = z.infer<typeof PollResponse>;

/** `launched`: the process started; `failed`: it could not start; `refused`: the agent declined the job. */
export const ResultStatus = z.enum(['launched', 'failed', 'refused']);
export type ResultStatus = z.infer<typeof ResultStatus>;

/** `POST /api/agent/result`. */
export const ResultRequest = z.object({
  job_id: JobId,
  status: ResultStatus,
  message: z.string().max(1_000).nullish(),
  pid: z.number().int().positive().nullish(),
});
export type ResultRequest = z.infer<typeof ResultRequest>;

/** 200 answer to result; `accepted: false` when the job was unknown or already reported. */
export const ResultResponse = z.object({ success: z.literal(true), accepted: z.boolean() });
export type ResultResponse = z.infer<typeof ResultResponse>;
