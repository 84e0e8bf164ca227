import * as z from '../zod.ts';
import { isValidPublicKey } from './signing.ts';

/**
 * The wire protocol between the desktop agent and the broker, defined once: the broker's
 * operations and handlers and the agent (`agent/`) both import these paths, limits and
 * schemas, so a limit cannot differ between the two programs.
 *
 * Two transports carry jobs, sharing the broker's lease and ack code:
 * - push (preferred): the agent holds a WebSocket to `socket_url`, opened with signed
 *   headers over `SOCKET_CONNECT`, already while its pairing code waits to be confirmed
 *   (the broker says `{type: 'paired'}` on it the moment the user confirms, so the first
 *   launch does not wait for a poll); jobs arrive as `{type: 'job'}` messages, and the
 *   agent sends `collect` (also its heartbeat), `ack` and `result` messages;
 * - HTTP poll (fallback, for networks that block WebSockets): `POST /api/agent/poll`
 *   answers at once, and the agent asks again every `FALLBACK_POLL_INTERVAL_MS`.
 *
 * Every agent request after registration, and the socket's connect, carries the headers
 * of `signRequest` (`AGENT_HEADERS` in `signing.ts`) over the exact body sent; the broker
 * refuses a nonce twice.
 */

export type { SignedJob } from './signing.ts';

/**
 * The desktop agent program's name: its command (package.json's `bin`, pinned equal by a
 * test), the User-Agent it sends, its service, task and directory names.
 */
export const AGENT_PROGRAM = 'chatgpt-broker-agent';

/** Every HTTP route under `/api/agent/`: the agent's own, and the user's pairing routes. */
export const AGENT_PATHS = {
  register: '/api/agent/register',
  poll: '/api/agent/poll',
  result: '/api/agent/result',
  /** Where the signed-in user confirms a pairing code (not called by the agent). */
  pair: '/api/agent/pair',
  /** The signed-in user's paired computers (not called by the agent). */
  computers: '/api/agent/computers',
  /** Where the signed-in user unpairs a computer (not called by the agent). */
  unpair: '/api/agent/unpair',
} as const;

/** Longest name a computer may be registered under (it is how the user picks it in launch_app). */
export const AGENT_NAME_MAX = 64;

/** What the socket's connect request signs in place of an HTTP method and path (no body). */
export const SOCKET_CONNECT = { method: 'GET', path: '$connect' } as const;

/**
 * How often a connected agent sends `collect`: inside API Gateway's 10-minute idle
 * timeout (pings do not count as use there), and it picks up anything a lost push left queued.
 */
export const SOCKET_HEARTBEAT_MS = 9 * 60_000;

/** API Gateway closes a WebSocket after 2 hours; the agent opens a new one a little before. */
export const SOCKET_RENEW_MS = 115 * 60_000;

/** The HTTP fallback's cadence: slow on purpose, it is for networks that block WebSockets. */
export const FALLBACK_POLL_INTERVAL_MS = 5_000;

/** Job ids as the broker issues them (`job_` and 16 base64url characters), with room to grow. */
export const JOB_ID_PATTERN = /^[A-Za-z0-9_-]{8,64}$/;

// The bodies and socket messages below are z.lazy: built at their first use, not by every
// function that loads the registry (lib/schemas/built.ts says why); the small leaves are not.

export const JobId = z.string().check(z.regex(JOB_ID_PATTERN, 'must be a job id as issued by the broker'));

/**
 * The characters a computer's name may hold: letters, digits, spaces and `. _ - ' ( )`.
 * Names reach ChatGPT (as data), so nothing that reads as markup, a command or an
 * instruction header ("SYSTEM:") fits, and no control or invisible formatting character.
 */
export const AGENT_NAME_CHARACTER = /[\p{L}\p{N} ._'()-]/u;

const PLAIN_NAME = new RegExp(`^${AGENT_NAME_CHARACTER.source}+$`, 'u');

/** A computer's name as its user will say it to ChatGPT: "work-laptop", "Kitchen PC". */
export const AgentName = z
  .string()
  .check(
    z.trim(),
    z.minLength(1, 'must not be empty'),
    z.maxLength(AGENT_NAME_MAX, `must be at most ${AGENT_NAME_MAX} characters`),
    z.regex(PLAIN_NAME, "must hold only letters, digits, spaces and . _ - ' ( )"),
  );

export const AgentPlatform = z.enum(['windows', 'macos', 'linux']);
export type AgentPlatform = z.infer<typeof AgentPlatform>;

/** `POST /api/agent/register` (unsigned: the agent has no id yet). */
export const RegisterRequest = z.lazy(() =>
  z.object({
    name: AgentName,
    platform: AgentPlatform,
    /** Base64 SPKI DER of the agent's Ed25519 key, as made by `generateSigningKeyPair`. */
    public_key: z
      .string()
      .check(
        z.maxLength(200),
        z.refine(isValidPublicKey, { message: 'must be the base64 SPKI of an Ed25519 public key' }),
      ),
  }),
);
export type RegisterRequest = z.input<typeof RegisterRequest>;

/** 201 answer to register. */
export const RegisterResponse = z.lazy(() =>
  z.object({
    success: z.literal(true),
    agent_id: z.string().check(z.minLength(1), z.maxLength(200)),
    /** Short one-time code the user confirms through the API with their Google token. */
    pairing_code: z.string().check(z.minLength(1), z.maxLength(64)),
    /** When the pairing code stops working, ms since the epoch. */
    expires_at: z
      .number()
      .check(z.int(), z.nonnegative(), z.describe('When the pairing code stops working (ms since the epoch).')),
    /** Base64 SPKI DER of the broker's job-signing key: the agent pins it. */
    broker_public_key: z.string().check(z.minLength(1), z.maxLength(1_000)),
    /** How long to wait between polls while the pairing code is unconfirmed. */
    poll_interval_ms: z.number().check(z.int(), z.minimum(0), z.maximum(600_000)),
    /**
     * The WebSocket to hold, from now on: while the code is unconfirmed the broker tells the
     * agent on it when it is paired (absent: the broker offers only the HTTP poll).
     */
    socket_url: z.optional(z.url({ protocol: /^wss?$/ })),
  }),
);
export type RegisterResponse = z.infer<typeof RegisterResponse>;

/** `POST /api/agent/poll`, body `{}`. */
export const PollRequest = z.lazy(() => z.strictObject({}));
export type PollRequest = z.infer<typeof PollRequest>;

/**
 * 200 answer to poll. `unpaired`: the user has not confirmed the code yet; `paired`: the
 * code was just confirmed; `idle`: nothing to do; `job`: a signed job for this agent. The
 * job is left as `unknown` here: `verifyJob` is the agent's only judge of jobs.
 */
const PollAnswer = {
  success: z.literal(true),
  /** The WebSocket the agent should hold instead of polling, when the broker offers one. */
  socket_url: z.optional(z.url({ protocol: /^wss?$/ })),
};
export const PollResponse = z.lazy(() =>
  z.discriminatedUnion('status', [
    z.object({ ...PollAnswer, status: z.literal('unpaired') }),
    z.object({
      ...PollAnswer,
      status: z.literal('paired'),
      /** The Google account the computer was just paired to, for the agent to show its user. */
      account: z.nullish(z.string()),
    }),
    z.object({ ...PollAnswer, status: z.literal('idle') }),
    z.object({ ...PollAnswer, status: z.literal('job'), job: z.unknown() }),
  ]),
);
export type PollResponse = z.infer<typeof PollResponse>;

/** `launched`: the process started; `failed`: it could not start; `refused`: the agent declined the job. */
export const ResultStatus = z.enum(['launched', 'failed', 'refused']);
export type ResultStatus = z.infer<typeof ResultStatus>;

/** `POST /api/agent/result`. */
export const ResultRequest = z.object({
  job_id: JobId,
  status: ResultStatus,
  message: z.nullish(z.string().check(z.maxLength(1_000))),
  pid: z.nullish(z.number().check(z.int(), z.positive())),
});
export type ResultRequest = z.infer<typeof ResultRequest>;

/** 200 answer to result; `accepted: false` when the job was unknown or already reported. */
export const ResultResponse = z.lazy(() => z.object({ success: z.literal(true), accepted: z.boolean() }));
export type ResultResponse = z.infer<typeof ResultResponse>;

/**
 * What the agent sends on its socket (route selection `$request.body.action`):
 * `collect` asks for every queued job (sent after connecting, then as the heartbeat);
 * `ack` says a job arrived (else it is delivered again when its lease ends); `result` is
 * the same report as `POST /api/agent/result`.
 */
export const AgentSocketMessage = z.lazy(() =>
  z.discriminatedUnion('action', [
    z.object({ action: z.literal('collect') }),
    z.object({ action: z.literal('ack'), job_id: JobId }),
    z.extend(ResultRequest, { action: z.literal('result') }),
  ]),
);
export type AgentSocketMessage = z.infer<typeof AgentSocketMessage>;

/**
 * What the broker sends on the agent's socket: `paired` once the user confirmed the code
 * (with the account, for the agent to show its user; sent when the pairing is made, or at
 * the agent's next `collect` if it connected after that), a signed `job` (left `unknown`
 * for `verifyJob`), the answer to `collect` with the broker's clock (so the agent can tell
 * its own clock is off), and whether a `result` was recorded.
 */
export const BrokerSocketMessage = z.lazy(() =>
  z.discriminatedUnion('type', [
    z.object({ type: z.literal('paired'), account: z.nullish(z.string().check(z.maxLength(320))) }),
    z.object({ type: z.literal('job'), job: z.unknown() }),
    z.object({
      type: z.literal('collected'),
      server_time: z.number().check(z.int()),
      queued: z.number().check(z.int(), z.minimum(0)),
    }),
    z.object({ type: z.literal('result_recorded'), job_id: JobId, accepted: z.boolean() }),
  ]),
);
export type BrokerSocketMessage = z.infer<typeof BrokerSocketMessage>;
