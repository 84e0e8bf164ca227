import { existsSync } from 'node:fs';
import { AGENT_PATHS, type AgentPlatform, REQUEST_SKEW_MS, type ResultRequest } from '#lib/agent-protocol';
import { importPrivateKey, isValidPublicKey } from '#lib/jobs/signing';
import {
  type AgentIdentity,
  BrokerClient,
  BrokerHttpError,
  BrokerProtocolError,
  type FetchPort,
} from './broker-client.ts';
import type { Catalog } from './catalog.ts';
import type { SpawnPort } from './launcher.ts';
import { type JobRunContext, runJob } from './run-job.ts';
import { AgentState, type Registration } from './state.ts';
import { printable } from './verify.ts';

/**
 * The agent daemon: register and show the pairing code, then long-poll for jobs, admit
 * each through `admitJob`, launch it, report the outcome. The AbortSignal stops polling;
 * a job already received still finishes and is reported. Failures are logged and retried
 * with jittered backoff, never fatal, except a changed broker key (the user must decide).
 */

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
  const spawn = options.spawn;
  const fileExists = options.fileExists ?? existsSync;
  const brokerUrl = options.brokerUrl.replace(/\/+$/, '');

  const state = await AgentState.open(options.stateDir, now());
  if (options.reset === true) {
    await state.reset();
    log('Forgot the registration and pinned broker keys.');
  }
  const client = new BrokerClient({
    baseUrl: brokerUrl,
    now,
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
  if (registration?.paired === true) log(`Agent ${registration.agent_id} polling ${brokerUrl} for jobs.`);

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
    announcePairing(fresh, brokerUrl, out, log);
    return fresh;
  };

  /** After a poll that came back at once, wait out the rest of the broker's interval. */
  const pace = async (current: Registration, startedAt: number) => {
    const wait = current.poll_interval_ms - (now() - startedAt);
    if (wait > 0) await sleep(wait, signal);
  };

  const markPaired = async (current: Registration): Promise<Registration> => {
    if (current.paired) return current;
    await state.markPaired();
    log('Paired. Waiting for jobs.');
    return { ...current, paired: true };
  };

  while (!signal.aborted) {
    try {
      if (registration === undefined) {
        registration = await register();
        continue;
      }
      const identity: AgentIdentity = { agentId: registration.agent_id, privateKey };
      const startedAt = now();
      const answer = await client.poll(identity, signal);
      backoff.reset();
      switch (answer.status) {
        case 'unpaired':
          if (registration.paired) {
            log('The broker says this agent is no longer paired; registering again.');
            registration = undefined;
          } else if (pairingExpired(registration, now())) {
            log('The pairing code expired; getting a new one.');
            registration = undefined;
          } else {
            await pace(registration, startedAt);
          }
          break;
        case 'paired':
        case 'idle':
          registration = await markPaired(registration);
          await pace(registration, startedAt);
          break;
        case 'job':
          registration = await markPaired(registration);
          await handleJob(answer.job, {
            identity,
            agentId: registration.agent_id,
            brokerPublicKey: state.pinnedBrokerKey(brokerUrl) ?? registration.broker_public_key,
            catalog: options.catalog,
            state,
            client,
            now,
            fileExists,
            spawn,
            out,
            log,
            sleep,
          });
          if (options.once === true) return { reason: 'once' };
          break;
      }
    } catch (error) {
      if (signal.aborted) break;
      if (error instanceof BrokerKeyChangedError) throw error;
      if (registration === undefined && error instanceof BrokerHttpError && error.status === 400) {
        throw new RegistrationRefusedError(error.message);
      }
      const delay = backoff.next();
      if (error instanceof BrokerHttpError && (error.status === 401 || error.status === 404) && registration) {
        // A skewed clock makes every signature stale: registering again would not help.
        const skew = error.serverDate === undefined ? 0 : now() - error.serverDate;
        if (error.reason === 'stale_timestamp' || Math.abs(skew) > REQUEST_SKEW_MS) {
          log(
            `The broker refused this agent's request as stale: this computer's clock is about ` +
              `${Math.round(skew / 1000)} s off the broker's. Fix the system clock. Retrying in ${seconds(delay)}.`,
          );
        } else {
          log(`The broker does not know this agent (${error.message}); registering again in ${seconds(delay)}.`);
          registration = undefined;
        }
      } else {
        log(
          `${registration === undefined ? 'Registration' : 'Poll'} failed: ${describeError(error)}; retrying in ${seconds(delay)}.`,
        );
      }
      await sleep(delay, signal);
    }
  }
  return { reason: 'stopped' };
}

interface JobContext extends JobRunContext {
  identity: AgentIdentity;
  client: BrokerClient;
  out: (line: string) => void;
  log: (line: string) => void;
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** Run and report. Deliberately not abortable: a job already received finishes. */
async function handleJob(raw: unknown, context: JobContext): Promise<void> {
  const { line, result } = await runJob(raw, context);
  context.out(line);
  if (result !== undefined) await report(result, context);
}

/** Posts a result, retrying a couple of times: the broker keeps only the first result per job. */
async function report(result: ResultRequest, context: JobContext): Promise<void> {
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
