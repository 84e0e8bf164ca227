import * as z from 'zod';
import type { SignedJob } from '#lib/jobs/signing';

/**
 * The wire protocol between the desktop agent and the broker. The broker's handlers
 * import these types and schemas, so both sides agree by construction.
 *
 * Every request after registration carries the headers of `signRequest`
 * (`x-agent-id`, `x-agent-timestamp`, `x-agent-signature`) over the exact JSON body sent.
 */

export type { SignedJob } from '#lib/jobs/signing';

export const AGENT_PATHS = {
  register: '/api/agent/register',
  poll: '/api/agent/poll',
  result: '/api/agent/result',
  /** Where the signed-in user confirms a pairing code (not called by the agent). */
  pair: '/api/agent/pair',
} as const;

export const AgentPlatform = z.enum(['windows', 'macos', 'linux']);
export type AgentPlatform = z.infer<typeof AgentPlatform>;

/** `POST /api/agent/register` (unsigned: the agent has no id yet). */
export const RegisterRequest = z.object({
  name: z.string().min(1).max(100),
  platform: AgentPlatform,
  /** Base64 SPKI DER of the agent's Ed25519 key, as made by `generateSigningKeyPair`. */
  public_key: z.string().min(1).max(1_000),
});
export type RegisterRequest = z.infer<typeof RegisterRequest>;

/** 201 answer to register. */
export const RegisterResponse = z.object({
  agent_id: z.string().min(1).max(200),
  /** Short one-time code the user confirms through the API with their Google token. */
  pairing_code: z.string().min(1).max(64),
  /** When the pairing code stops working, ms since the epoch. */
  expires_at: z.number().int().nonnegative(),
  /** Base64 SPKI DER of the broker's job-signing key: the agent pins it. */
  broker_public_key: z.string().min(1).max(1_000),
  /** How long to wait between polls that come back at once (unpaired, idle without a hold). */
  poll_interval_ms: z.number().int().min(0).max(600_000),
});
export type RegisterResponse = z.infer<typeof RegisterResponse>;

/** `POST /api/agent/poll`, body `{}`. The broker may hold it open up to ~20 s. */
export const PollRequest = z.strictObject({});
export type PollRequest = z.infer<typeof PollRequest>;

/**
 * 200 answer to poll. `unpaired`: the user has not confirmed the code yet; `paired`: the
 * code was just confirmed; `idle`: nothing to do; `job`: a signed job, claimed for this
 * agent. The job object must have exactly the `SignedJob` fields (anything else is refused).
 */
export type PollResponse =
  | { status: 'unpaired' }
  | { status: 'paired' }
  | { status: 'idle' }
  | { status: 'job'; job: SignedJob };

/** Parses a poll answer, leaving the job itself to `verifyJob` (the agent's only judge of jobs). */
export const PollResponseWire = z.discriminatedUnion('status', [
  z.object({ status: z.literal('unpaired') }),
  z.object({ status: z.literal('paired') }),
  z.object({ status: z.literal('idle') }),
  z.object({ status: z.literal('job'), job: z.unknown() }),
]);
export type PollResponseWire = z.infer<typeof PollResponseWire>;

/** `launched`: the process started; `failed`: it could not start; `refused`: the agent declined the job. */
export const ResultStatus = z.enum(['launched', 'failed', 'refused']);
export type ResultStatus = z.infer<typeof ResultStatus>;

/** `POST /api/agent/result`. */
export const ResultRequest = z.object({
  job_id: z.string().min(1).max(200),
  status: ResultStatus,
  message: z.string().max(1_000).optional(),
  pid: z.number().int().positive().optional(),
});
export type ResultRequest = z.infer<typeof ResultRequest>;

/** 200 answer to result; `accepted: false` when the job was unknown or already reported. */
export const ResultResponse = z.object({ accepted: z.boolean() });
export type ResultResponse = z.infer<typeof ResultResponse>;
