import { type Config, parseConfig } from '#lib/config';
import { createGmailClient, type GmailClient } from '#lib/gmail/client';
import { EmulatorControl, type RecordedRequest } from '../emulator/control-client.ts';
import { sequentialRoundTrips } from '../emulator/round-trips.ts';
import { startGoogleEmulator } from '../emulator/server.ts';
import { median, type Row } from './report.ts';

/** The running emulator of one benchmark, and a config pointing our Gmail client at it. */
export interface BenchEmulator {
  url: string;
  control: EmulatorControl;
  config: Config;
}

/** Starts the embedded Google emulator for `run` and closes it when `run` ends. */
export async function withEmulator<T>(run: (emulator: BenchEmulator) => Promise<T>): Promise<T> {
  const emulator = await startGoogleEmulator();
  try {
    return await run({
      url: emulator.url,
      control: new EmulatorControl(emulator.url),
      config: parseConfig({ GMAIL_API_URL: `${emulator.url}/`, GOOGLE_OAUTH_URL: `${emulator.url}/` }),
    });
  } finally {
    await emulator.close();
  }
}

/** What one way of doing a Gmail read cost. */
export interface Measured {
  /** Median wall time over the repeats. */
  ms: number;
  /** Gmail requests that had to happen one after another (last repeat). */
  trips: number;
  /** Gmail requests sent in all (last repeat). */
  requests: number;
}

/**
 * A fresh emulator user `email` with `count` plain-text mails from a@example.com, each
 * subject `${subject} ${i}`, and a Gmail client for them.
 */
export async function seedPlainMailbox(
  control: EmulatorControl,
  config: Config,
  { email, subject, count }: { email: string; subject: string; count: number },
): Promise<GmailClient> {
  const user = await control.createUser({ email });
  for (let i = 0; i < count; i += 1) {
    await control.seedMessage({
      email: user.email,
      raw: `From: a@example.com\r\nTo: ${user.email}\r\nSubject: ${subject} ${i}\r\nContent-Type: text/plain\r\n\r\nBody ${i}\r\n`,
    });
  }
  return createGmailClient({ accessToken: user.token }, config);
}

/**
 * Runs `run` `repeats` times, the emulator's request log cleared before each: the median
 * wall time, and the Google requests of the last run.
 */
export async function timedRuns(
  control: EmulatorControl,
  repeats: number,
  run: () => Promise<unknown>,
): Promise<{ ms: number; requests: RecordedRequest[] }> {
  const times: number[] = [];
  let requests: RecordedRequest[] = [];
  for (let r = 0; r < repeats; r += 1) {
    await control.clearRequests();
    const started = performance.now();
    await run();
    times.push(performance.now() - started);
    requests = await control.requests();
  }
  return { ms: median(times), requests };
}

/**
 * Ours and the baseline, one after the other, with `latencyMs` added to every Gmail
 * request at the emulator (reset to 0 afterwards): median time and round trips of each.
 */
export async function measureAtLatency(
  control: EmulatorControl,
  { latencyMs, repeats }: { latencyMs: number; repeats: number },
  ours: () => Promise<unknown>,
  baseline: () => Promise<unknown>,
): Promise<{ ours: Measured; baseline: Measured }> {
  const measure = async (run: () => Promise<unknown>): Promise<Measured> => {
    const { ms, requests } = await timedRuns(control, repeats, run);
    const gmailRequests = requests.filter((request) => request.path.startsWith('/gmail/'));
    return { ms, trips: sequentialRoundTrips(gmailRequests), requests: gmailRequests.length };
  };
  await control.setLatency(latencyMs);
  try {
    return { ours: await measure(ours), baseline: await measure(baseline) };
  } finally {
    await control.setLatency(0);
  }
}

/** The naive read both Gmail benchmarks compare with: list, then one `messages.get` after another. */
export async function oneGetAfterAnother(gmail: GmailClient, q: string, limit: number): Promise<void> {
  const list = await gmail.users.messages.list({ userId: 'me', q, maxResults: limit });
  for (const message of list.data.messages ?? []) {
    await gmail.users.messages.get({ userId: 'me', id: message.id as string, format: 'full' });
  }
}

/** One mailbox size of a latency comparison: both figures and the row that prints them. */
export interface LatencyRun {
  limit: number;
  ours: Measured;
  baseline: Measured;
  row: Row;
}

/**
 * A Gmail read of ours against a baseline, at Gmail-like latency, in a fresh emulator: for
 * each of `limits`, a new user with that many plain mails (subject `${subject} ${i}`), both
 * ways measured on it, and a row comparing them.
 */
export async function compareAtLatency(
  read: {
    /** What the rows and the mailboxes are called, e.g. `search`. */
    name: string;
    subject: string;
    /** How the row names the baseline. */
    baselineName: string;
    ours: (gmail: GmailClient, limit: number) => Promise<unknown>;
    baseline: (gmail: GmailClient, limit: number) => Promise<unknown>;
  },
  { latencyMs, limits, repeats }: { latencyMs: number; limits: number[]; repeats: number },
): Promise<LatencyRun[]> {
  return withEmulator(async ({ control, config }) => {
    const runs: LatencyRun[] = [];
    for (const limit of limits) {
      const gmail = await seedPlainMailbox(control, config, {
        email: `${read.name}-${limit}@example.com`,
        subject: read.subject,
        count: limit,
      });
      const { ours, baseline } = await measureAtLatency(
        control,
        { latencyMs, repeats },
        () => read.ours(gmail, limit),
        () => read.baseline(gmail, limit),
      );
      const row = {
        name: `${read.name} limit ${limit} (Gmail latency ${latencyMs} ms)`,
        value: `${ours.ms.toFixed(0)} ms, ${ours.trips} sequential round trips`,
        baseline: `${baseline.ms.toFixed(0)} ms, ${baseline.trips} round trips (${read.baselineName})`,
        ratio: ours.ms / baseline.ms,
      };
      runs.push({ limit, ours, baseline, row });
    }
    return runs;
  });
}
