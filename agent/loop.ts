import { existsSync } from 'node:fs';
import {
  AGENT_PATHS,
  type AgentPlatform,
  FALLBACK_POLL_INTERVAL_MS,
  type ResultRequest,
} from '#lib/agent-wire/protocol';
import { importPrivateKey, isValidPublicKey, REQUEST_SKEW_MS } from '#lib/agent-wire/signing';
import {
  type AgentIdentity,
  BrokerClient,
  BrokerHttpError,
  BrokerProtocolError,
  type FetchPort,
} from './broker-client.ts';
import type { Catalog } from './catalog.ts';
import { ClockWatch, describeSkew } from './clock.ts';
import { type Delivery, JobDesk } from './job-desk.ts';
import type { SpawnPort } from './launcher.ts';
import { holdSocket, type JobConnection, SocketRefusedError } from './socket.ts';
import { AgentState, type Registration } from './state.ts';
import type { StatusWriter } from './status-file.ts';
import { printable } from './verify.ts';

/**
 * The agent daemon: register and show the pairing code, then hold the broker's WebSocket,
 * on which it hears at once that the code was confirmed and then receives pushed jobs; or
 * poll over HTTP every few seconds (for the pairing too) where a WebSocket cannot be held.
 * Each job is admitted through `admitJob`, launched at most once, and reported. The AbortSignal stops the transport; jobs already received
 * still finish and are reported. Failures are logged and retried with jittered backoff,
 * never fatal, except a changed broker key or a refused registration (the user must act).
 */

/** `auto`: the WebSocket when the broker offers one, HTTP polls when it cannot be held. */
export type Transport = 'auto' | 'socket' | 'poll';

/** After this many connections in a row fail to open, `auto` polls for a while instead. */
const SOCKET_FAILURES_BEFORE_FALLBACK = 3;
/** How long `auto` polls before trying the WebSocket again. */
const FALLBACK_PERIOD_MS = 10 * 60_000;
/** A connection that stayed up this long resets the reconnect backoff. */
const STABLE_CONNECTION_MS = 60_000;

export interface AgentOptions {
  brokerUrl: string;
  stateDir: string;
  /** Shown to the user when they pair (e.g. the hostname). */
  name: string;
  platform: AgentPlatform;
  catalog: Catalog;
  /** Handle at most one job, then return. */
  once?: boolean;
  /** Forget the registration and pinned broker keys first. */
  reset?: boolean;
  /** Human log lines (stderr in the CLI). */
  log?: (line: string) => void;
  /** One line per job result and the pairing code line (stdout in the CLI). */
  out?: (line: string) => void;
  fetch?: FetchPort;
  spawn?: SpawnPort;
  now?: () => number;
  random?: () => number;
  /** Waits `ms`, resolving early when `signal` aborts. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  fileExists?: (file: string) => boolean;
  pollTimeoutMs?: number;
  /** Default `auto`. */
  transport?: Transport;
  /** Where `agent status` learns how this run is doing. */
  status?: StatusWriter | undefined;
  /** The socket's heartbeat and renewal periods (tests shorten them). */
  socketTimings?: { heartbeatMs?: number; renewMs?: number };
}

export interface AgentRun {
  /** `stopped`: the signal aborted; `once`: one job was handled with `once` set. */
  reason: 'stopped' | 'once';
}

/** The broker presented a different job-signing key than the one pinned for it. */
export class BrokerKeyChangedError extends Error {
  constructor(brokerUrl: string) {
    super(
      `the broker at ${brokerUrl} presented a different job-signing key than the one pinned at pairing. ` +
        'If the broker was redeployed with a new key on purpose, run again with --reset and pair again.',
    );
    this.name = 'BrokerKeyChangedError';
  }
}

/** The broker refused the registration itself (e.g. the name): asking again would not help. */
export class RegistrationRefusedError extends Error {
  constructor(detail: string) {
    super(`the broker refused to register this agent: ${detail}`);
    this.name = 'RegistrationRefusedError';
  }
}

/** Retry delays: 1 s doubling to 60 s, each with `(0.5 + random) * delay` jitter (capped too). */
export class Backoff {
  readonly #random: () => number;
  readonly #initial: number;
  readonly #max: number;
  #delay: number;

  constructor(random: () => number = Math.random, initialMs = 1_000, maxMs = 60_000) {
    this.#random = random;
    this.#initial = initialMs;
    this.#max = maxMs;
    this.#delay = initialMs;
  }

  next(): number {
    const delay = Math.min(this.#max, Math.round((0.5 + this.#random()) * this.#delay));
    this.#delay = Math.min(this.#max, this.#delay * 2);
    return delay;
  }

  reset(): void {
    this.#delay = this.#initial;
  }
}

export async function runAgent(options: AgentOptions, signal: AbortSignal): Promise<AgentRun> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const out = options.out ?? ((line: string) => process.stdout.write(`${line}\n`));
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? abortableSleep;
  const fileExists = options.fileExists ?? existsSync;
  const transport = options.transport ?? 'auto';
  const brokerUrl = options.brokerUrl.replace(/\/+$/, '');

  const state = await AgentState.open(options.stateDir, now());
  if (options.reset === true) {
    await state.reset();
    log('Forgot the registration and pinned broker keys.');
  }
  const clock = new ClockWatch(log);
  const client = new BrokerClient({
    baseUrl: brokerUrl,
    now,
    onServerTime: (serverTime, localTime) => clock.observe(serverTime, localTime),
    ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
    ...(options.pollTimeoutMs === undefined ? {} : { pollTimeoutMs: options.pollTimeoutMs }),
  });
  const backoff = new Backoff(options.random);
  const privateKey = importPrivateKey(state.privateKey);
  warnIfInsecure(brokerUrl, log);

  let registration = state.registrationFor(brokerUrl);
  if (registration !== undefined && !registration.paired) {
    if (pairingExpired(registration, now())) registration = undefined;
    else announcePairing(registration, brokerUrl, out, log);
  }
  if (registration?.paired === true) log(`Agent ${registration.agent_id} waiting for jobs from ${brokerUrl}.`);
  const status = options.status;
  if (registration !== undefined) {
    await status?.update({ agent_id: registration.agent_id, paired: registration.paired });
  }

  /** Stops the transport after one job with `once`, without stopping the job. */
  const session = new AbortController();
  const stop = () => session.abort();
  signal.addEventListener('abort', stop, { once: true });
  let handled = 0;

  const desk = new JobDesk({
    catalog: options.catalog,
    state,
    now,
    fileExists,
    spawn: options.spawn,
    out,
    log,
  });
  const take = async (current: Registration, raw: unknown, delivery: Delivery) => {
    const result = await desk.take(raw, delivery, {
      agentId: current.agent_id,
      brokerPublicKey: state.pinnedBrokerKey(brokerUrl) ?? current.broker_public_key,
    });
    if (result !== undefined) {
      const app = (raw as { app?: unknown } | null)?.app;
      await status?.update({
        last_job: {
          job_id: printable(result.job_id, 200),
          app: typeof app === 'string' ? printable(app, 100) : '',
          outcome: result.status,
          at: now(),
          ...(result.message == null ? {} : { message: result.message }),
        },
      });
    }
    handled += 1;
    if (options.once === true) session.abort();
  };
  const reportOverHttp = (identity: AgentIdentity) => (result: ResultRequest) =>
    report(result, { client, identity, log, sleep });

  const register = async (): Promise<Registration> => {
    const answer = await client.register(
      { name: options.name, platform: options.platform, public_key: state.publicKey },
      signal,
    );
    if (!isValidPublicKey(answer.broker_public_key)) {
      throw new BrokerProtocolError('register answered a broker_public_key that is not an Ed25519 public key');
    }
    const pinned = state.pinnedBrokerKey(brokerUrl);
    if (pinned !== undefined && pinned !== answer.broker_public_key) throw new BrokerKeyChangedError(brokerUrl);
    const fresh: Registration = {
      broker_url: brokerUrl,
      agent_id: answer.agent_id,
      broker_public_key: answer.broker_public_key,
      paired: false,
      pairing_code: answer.pairing_code,
      pairing_expires_at: answer.expires_at,
      poll_interval_ms: answer.poll_interval_ms,
    };
    await state.saveRegistration(fresh);
    await status?.update({ agent_id: fresh.agent_id, paired: false });
    if (answer.socket_url !== undefined) socketUrl = answer.socket_url;
    announcePairing(fresh, brokerUrl, out, log);
    return fresh;
  };

  /** After a poll (answered at once), wait out the rest of the interval. */
  const pace = async (intervalMs: number, startedAt: number) => {
    const wait = intervalMs - (now() - startedAt);
    if (wait > 0) await sleep(wait, session.signal);
  };

  const markPaired = async (current: Registration, account?: string | null): Promise<Registration> => {
    if (current.paired) return current;
    await state.markPaired();
    await status?.update({ paired: true, ...(account ? { account } : {}) });
    // Said plainly, so a computer paired to the wrong account is noticed at once.
    log(
      account
        ? `Paired to ${JSON.stringify(account)}. Waiting for jobs. If that is not your account, run with --reset and pair again.`
        : 'Paired. Waiting for jobs.',
    );
    return { ...current, paired: true };
  };

  // The socket URL comes with the broker's answers; polling until one is known.
  let socketUrl: string | undefined;
  let socketFailures = 0;
  let pollUntil = 0;
  /** Set when the socket was refused: one HTTP poll tells why (unknown agent, clock, unpaired). */
  let askWhy = false;
  let connectedBefore = false;
  /** Set when the broker refused the connection of an agent waiting for its code: poll until paired. */
  let pairOverPoll = false;
  let recordingPairing = false;
  const useSocket = (current: Registration) =>
    transport !== 'poll' &&
    socketUrl !== undefined &&
    !askWhy &&
    now() >= pollUntil &&
    (current.paired || (!pairOverPoll && !pairingExpired(current, now())));

  while (!session.signal.aborted) {
    let onSocket = false;
    try {
      if (registration === undefined) {
        registration = await register();
        pairOverPoll = false;
        continue;
      }
      const current = registration;
      const identity: AgentIdentity = { agentId: current.agent_id, privateKey };
      if (useSocket(current) && socketUrl !== undefined) {
        onSocket = true;
        const openedAt = now();
        // Waiting for the code: the hold ends when the code expires unpaired, and one poll
        // then says whether it was confirmed after all or a new code is needed.
        const hold = new AbortController();
        const release = () => hold.abort();
        session.signal.addEventListener('abort', release, { once: true });
        const expiry =
          current.paired || current.pairing_expires_at === undefined
            ? undefined
            : setTimeout(() => {
                if (registration?.paired !== true) release();
              }, current.pairing_expires_at - now());
        const onJob = (raw: unknown, connection: JobConnection) => {
          take(current, raw, {
            ack: connection.ack,
            report: async (result) => {
              if (!(await connection.report(result))) await reportOverHttp(identity)(result);
            },
          }).catch((error: unknown) => log(`A pushed job could not be handled: ${describeError(error)}`));
        };
        const end = await holdSocket(
          {
            url: socketUrl,
            identity,
            now,
            onJob,
            onServerTime: (serverTime, localTime) => clock.observe(serverTime, localTime),
            onReady: () => {
              socketFailures = 0;
              void status?.connection('connected', undefined, 'websocket');
              log(
                connectedBefore
                  ? 'Reconnected.'
                  : // Not `current`: the broker may have pushed the pairing before this ready.
                    registration?.paired === true || recordingPairing
                    ? `Connected to ${socketUrl}; jobs arrive as they are made.`
                    : `Connected to ${socketUrl}; waiting for the pairing code to be confirmed.`,
              );
              connectedBefore = true;
            },
            onPaired: (account) => {
              // The broker may say it twice (the push, then the next collect): record it once.
              if (registration === undefined || registration.paired || recordingPairing) return;
              recordingPairing = true;
              markPaired(registration, account)
                .then(
                  (paired) => {
                    // Unless the loop moved on to another registration meanwhile.
                    if (registration?.agent_id === paired.agent_id) registration = paired;
                  },
                  (error: unknown) => log(`Could not record the pairing: ${describeError(error)}`),
                )
                .finally(() => {
                  recordingPairing = false;
                });
            },
            ...options.socketTimings,
          },
          hold.signal,
        ).finally(() => {
          clearTimeout(expiry);
          session.signal.removeEventListener('abort', release);
        });
        if (end === 'closed') {
          await status?.connection('disconnected', 'the job connection dropped');
          if (now() - openedAt >= STABLE_CONNECTION_MS) backoff.reset();
          const delay = backoff.next();
          log(`The job connection dropped; reconnecting in ${seconds(delay)}.`);
          // A `paired` said as the connection died may be lost (the broker took it as told):
          // one poll after a drop while waiting says whether the code was confirmed.
          if (registration?.paired === false) askWhy = true;
          await sleep(delay, session.signal);
        }
        continue;
      }

      const startedAt = now();
      const answer = await client.poll(identity, session.signal);
      backoff.reset();
      askWhy = false;
      await status?.connection('connected', undefined, 'http-poll');
      if (answer.socket_url !== undefined) socketUrl = answer.socket_url;
      switch (answer.status) {
        case 'unpaired':
          if (current.paired) {
            log(
              'This computer is no longer paired (unpaired from ChatGPT, or its pairing code was used by two accounts). Getting a new pairing code.',
            );
            registration = undefined;
          } else if (pairingExpired(current, now())) {
            log('The pairing code expired; getting a new one.');
            registration = undefined;
          } else {
            await pace(current.poll_interval_ms, startedAt);
          }
          break;
        case 'paired':
          registration = await markPaired(current, answer.account);
          if (!useSocket(registration)) await pace(FALLBACK_POLL_INTERVAL_MS, startedAt);
          break;
        case 'idle':
          registration = await markPaired(current);
          if (!useSocket(registration)) await pace(FALLBACK_POLL_INTERVAL_MS, startedAt);
          break;
        case 'job':
          registration = await markPaired(current);
          await take(registration, answer.job, { report: reportOverHttp(identity) });
          break;
      }
    } catch (error) {
      if (session.signal.aborted) break;
      if (error instanceof BrokerKeyChangedError) throw error;
      if (registration === undefined && error instanceof BrokerHttpError && error.status === 400) {
        throw new RegistrationRefusedError(error.message);
      }
      const delay = backoff.next();
      await status?.connection('disconnected', describeError(error));
      // A throttled connect (429) says the broker is busy, not why this agent was refused:
      // asking over HTTP would succeed and reset the backoff, so every throttled agent would
      // try again each second. It counts as a failed connection instead, backing off.
      if (error instanceof SocketRefusedError && error.status !== 429) {
        log(`${error.message}; asking over HTTP why, in ${seconds(delay)}.`);
        askWhy = true;
        // A broker that will not hold the connection of an agent waiting for its code is
        // asked over HTTP until the code is confirmed, not refused again at every poll.
        if (registration?.paired === false) pairOverPoll = true;
      } else if (onSocket) {
        socketFailures += 1;
        if (transport === 'auto' && socketFailures >= SOCKET_FAILURES_BEFORE_FALLBACK) {
          pollUntil = now() + FALLBACK_PERIOD_MS;
          socketFailures = 0;
          log(
            `Cannot open the job connection (${describeError(error)}); polling every ` +
              `${seconds(FALLBACK_POLL_INTERVAL_MS)} instead, and trying the connection again in ` +
              `${Math.round(FALLBACK_PERIOD_MS / 60_000)} min.`,
          );
        } else {
          log(`Cannot open the job connection: ${describeError(error)}; retrying in ${seconds(delay)}.`);
        }
      } else if (error instanceof BrokerHttpError && (error.status === 401 || error.status === 404) && registration) {
        // A skewed clock makes every signature stale: registering again would not help.
        const skew = error.serverDate === undefined ? 0 : now() - error.serverDate;
        if (error.reason === 'stale_timestamp' || Math.abs(skew) > REQUEST_SKEW_MS) {
          log(`The broker refused this agent's request as stale. ${describeSkew(skew)} Retrying in ${seconds(delay)}.`);
        } else if (error.reason === 'replayed') {
          log(`The broker saw this request's nonce before (${error.message}); retrying in ${seconds(delay)}.`);
        } else {
          log(`The broker does not know this agent (${error.message}); registering again in ${seconds(delay)}.`);
          registration = undefined;
        }
      } else {
        log(
          `${registration === undefined ? 'Registration' : 'Poll'} failed: ${describeError(error)}; retrying in ${seconds(delay)}.`,
        );
      }
      await sleep(delay, session.signal);
    }
  }
  signal.removeEventListener('abort', stop);
  await desk.idle();
  return { reason: options.once === true && handled > 0 && !signal.aborted ? 'once' : 'stopped' };
}

interface ReportContext {
  identity: AgentIdentity;
  client: BrokerClient;
  log: (line: string) => void;
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** Posts a result, retrying a couple of times: the broker keeps only the first result per job. */
async function report(result: ResultRequest, context: ReportContext): Promise<void> {
  const backoff = new Backoff();
  for (let attempt = 1; ; attempt++) {
    try {
      await context.client.postResult(context.identity, result);
      return;
    } catch (error) {
      if (attempt >= 3) {
        context.log(`Could not report job ${printable(result.job_id)}: ${describeError(error)}`);
        return;
      }
      await context.sleep(backoff.next());
    }
  }
}

function announcePairing(
  registration: Registration,
  brokerUrl: string,
  out: (line: string) => void,
  log: (line: string) => void,
): void {
  const code = printable(registration.pairing_code ?? '', 64);
  out(`Pairing code: ${code}`);
  const until =
    registration.pairing_expires_at === undefined
      ? ''
      : ` The code works until ${new Date(registration.pairing_expires_at).toLocaleTimeString()}.`;
  log(
    `Say "pair my computer, code ${code}" to ChatGPT, or POST ${brokerUrl}${AGENT_PATHS.pair} ` +
      `{"code":"${code}"} with your Google token.${until}`,
  );
}

function pairingExpired(registration: Registration, now: number): boolean {
  return registration.pairing_expires_at !== undefined && now >= registration.pairing_expires_at;
}

function warnIfInsecure(brokerUrl: string, log: (line: string) => void): void {
  const url = new URL(brokerUrl);
  const local = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  if (url.protocol !== 'https:' && !local) {
    log(`Warning: ${brokerUrl} is not HTTPS; the broker key received at pairing could be swapped in transit.`);
  }
}

function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  // fetch hides the useful part ("ECONNREFUSED", "bad port") in its cause.
  const cause = error.cause as NodeJS.ErrnoException | undefined;
  const detail = cause?.code ?? (cause instanceof Error ? cause.message : undefined);
  return detail === undefined ? error.message : `${error.message} (${detail})`;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** setTimeout-based (so fake timers drive it); resolves early, without error, on abort. */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) {
      resolve();
      return;
    }
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
