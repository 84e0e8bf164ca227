import { searchEmails } from '#lib/gmail/search-emails';
import { compareAtLatency, oneGetAfterAnother } from './gmail-emulator.ts';
import type { Row } from './report.ts';
import { recordResult } from './results.ts';

const QUERY = 'from:a@example.com subject:report';

/**
 * search_emails against the embedded emulator with Gmail-like latency: wall time and
 * sequential round trips, beside one-get-after-another measured in the same run. The
 * figures for every limit go to bench/results.json under `search`.
 */
export async function benchSearch(latencyMs: number, limits: number[], repeats: number): Promise<Row[]> {
  const runs = await compareAtLatency(
    {
      name: 'search',
      subject: 'Report',
      baselineName: 'one get after another',
      ours: (gmail, limit) => searchEmails(gmail, { query: QUERY, limit }),
      baseline: (gmail, limit) => oneGetAfterAnother(gmail, QUERY, limit),
    },
    { latencyMs, limits, repeats },
  );
  await recordResult('search', {
    gmail_latency_ms: latencyMs,
    by_limit: runs.map(({ limit, ours, baseline }) => ({
      limit,
      sequential_round_trips: ours.trips,
      gmail_requests: ours.requests,
      ms: Math.round(ours.ms),
      baseline: { sequential_round_trips: baseline.trips, ms: Math.round(baseline.ms) },
    })),
    measured_at: new Date().toISOString(),
  });
  return runs.map((run) => run.row);
}
