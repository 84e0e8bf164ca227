import type { gmail_v1 } from '@googleapis/gmail';
import { type Config, parseConfig } from '#lib/config';
import { createGmailClient } from '#lib/gmail/client';
import { EmulatorControl } from '../emulator/control-client.ts';
import { sequentialRoundTrips } from '../emulator/round-trips.ts';
import { startGoogleEmulator } from '../emulator/server.ts';
import { median } from './report.ts';

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
): Promise<gmail_v1.Gmail> {
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
    const times: number[] = [];
    let trips = 0;
    let requests = 0;
    for (let r = 0; r < repeats; r += 1) {
      await control.clearRequests();
      const started = performance.now();
      await run();
      times.push(performance.now() - started);
      const gmailRequests = (await control.requests()).filter((request) => request.path.startsWith('/gmail/'));
      trips = sequentialRoundTrips(gmailRequests);
      requests = gmailRequests.length;
    }
    return { ms: median(times), trips, requests };
  };
  await control.setLatency(latencyMs);
  try {
    return { ours: await measure(ours), baseline: await measure(baseline) };
  } finally {
    await control.setLatency(0);
  }
}
