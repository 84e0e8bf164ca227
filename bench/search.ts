import type { gmail_v1 } from '@googleapis/gmail';
import { searchEmails } from '#lib/gmail/search-emails';
import { measureAtLatency, seedPlainMailbox, withEmulator } from './gmail-emulator.ts';
import type { Row } from './report.ts';
import { recordResult } from './results.ts';

const QUERY = 'from:a@example.com subject:report';

/** A search read the naive way: list, then one `messages.get` after another. */
async function oneByOne(gmail: gmail_v1.Gmail, limit: number): Promise<void> {
  const list = await gmail.users.messages.list({ userId: 'me', q: QUERY, maxResults: limit });
  for (const message of list.data.messages ?? []) {
    await gmail.users.messages.get({ userId: 'me', id: message.id as string, format: 'full' });
  }
}

/**
 * search_emails against the embedded emulator with Gmail-like latency: wall time and
 * sequential round trips, beside one-get-after-another measured in the same run. The
 * figures for the largest limit go to bench/results.json under `search`.
 */
export async function benchSearch(latencyMs: number, limits: number[], repeats: number): Promise<Row[]> {
  return withEmulator(async ({ control, config }) => {
    const rows: Row[] = [];
    for (const limit of limits) {
      const gmail = await seedPlainMailbox(control, config, {
        email: `search-${limit}@example.com`,
        subject: 'Report',
        count: limit,
      });
      const { ours, baseline } = await measureAtLatency(
        control,
        { latencyMs, repeats },
        () => searchEmails(gmail, { query: QUERY, limit }),
        () => oneByOne(gmail, limit),
      );
      rows.push({
        name: `search limit ${limit} (Gmail latency ${latencyMs} ms)`,
        value: `${ours.ms.toFixed(0)} ms, ${ours.trips} sequential round trips`,
        baseline: `${baseline.ms.toFixed(0)} ms, ${baseline.trips} round trips (one get after another)`,
        ratio: ours.ms / baseline.ms,
      });
      if (limit === Math.max(...limits)) {
        await recordResult('search', {
          limit,
          gmail_latency_ms: latencyMs,
          sequential_round_trips: ours.trips,
          gmail_requests: ours.requests,
          ms: Math.round(ours.ms),
          baseline: { sequential_round_trips: baseline.trips, ms: Math.round(baseline.ms) },
          measured_at: new Date().toISOString(),
        });
      }
    }
    return rows;
  });
}
