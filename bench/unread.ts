import type { gmail_v1 } from '@googleapis/gmail';
import { parseConfig } from '#lib/config';
import { createGmailClient } from '#lib/gmail/client';
import { listUnread } from '#lib/gmail/unread';
import { EmulatorControl } from '../emulator/control-client.ts';
import { sequentialRoundTrips } from '../emulator/round-trips.ts';
import { startGoogleEmulator } from '../emulator/server.ts';
import { median, type Row } from './report.ts';

/** The original service's way: list, then one `messages.get` after another. */
async function originalUnread(gmail: gmail_v1.Gmail, limit: number): Promise<number> {
  const list = await gmail.users.messages.list({ userId: 'me', q: 'is:unread in:inbox', maxResults: limit });
  let fetched = 0;
  for (const message of list.data.messages ?? []) {
    await gmail.users.messages.get({ userId: 'me', id: message.id as string, format: 'full' });
    fetched += 1;
  }
  return fetched;
}

/**
 * The unread path against the embedded emulator with Gmail-like latency added: wall time
 * and sequential round trips of ours against the original's one-call-after-another,
 * both measured in this run.
 */
export async function benchUnread(latencyMs: number, limits: number[], repeats: number): Promise<Row[]> {
  const emulator = await startGoogleEmulator();
  const control = new EmulatorControl(emulator.url);
  const rows: Row[] = [];
  try {
    const config = parseConfig({ GMAIL_API_URL: `${emulator.url}/`, GOOGLE_OAUTH_URL: `${emulator.url}/` });
    for (const limit of limits) {
      const user = await control.createUser({ email: `bench-${limit}@example.com` });
      for (let i = 0; i < limit; i += 1) {
        await control.seedMessage({
          email: user.email,
          raw: `From: a@example.com\r\nTo: ${user.email}\r\nSubject: Mail ${i}\r\nContent-Type: text/plain\r\n\r\nBody ${i}\r\n`,
        });
      }
      const gmail = createGmailClient({ accessToken: user.token }, config);
      await control.setLatency(latencyMs);
      const measure = async (run: () => Promise<unknown>) => {
        const times: number[] = [];
        let trips = 0;
        for (let r = 0; r < repeats; r += 1) {
          await control.clearRequests();
          const started = performance.now();
          await run();
          times.push(performance.now() - started);
          trips = sequentialRoundTrips(
            (await control.requests()).filter((request) => request.path.startsWith('/gmail/')),
          );
        }
        return { ms: median(times), trips };
      };
      const ours = await measure(() => listUnread(gmail, { limit }));
      const original = await measure(() => originalUnread(gmail, limit));
      await control.setLatency(0);
      rows.push({
        name: `unread limit ${limit} (Gmail latency ${latencyMs} ms)`,
        value: `${ours.ms.toFixed(0)} ms, ${ours.trips} sequential round trips`,
        baseline: `${original.ms.toFixed(0)} ms, ${original.trips} round trips (original: one get after another)`,
        ratio: ours.ms / original.ms,
      });
    }
  } finally {
    await emulator.close();
  }
  return rows;
}
