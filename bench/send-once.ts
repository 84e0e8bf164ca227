import { createGmailClient } from '#lib/gmail/client';
import { sendEmail } from '#lib/gmail/send';
import { subjectOf } from '#lib/google/identity';
import { sequentialRoundTrips } from '../emulator/round-trips.ts';
import { withEmulator } from './gmail-emulator.ts';
import { median, type Row } from './report.ts';
import { recordResult } from './results.ts';

const MAIL = { to: 'ana@example.com', subject: 'Bench', body: 'Once.' };

/**
 * What keying "send once" on the person costs a send: Google's `tokeninfo` lookup
 * (lib/google/identity.ts) before Gmail's send, for a token the instance has not seen (as
 * after the hourly refresh) and for one it has cached, beside the send alone, with
 * `latencyMs` on every Google request. The table's idempotency record is the same either
 * way and left out. Figures go to bench/results.json under `send_once`.
 */
export async function benchSendOnce(latencyMs: number, repeats: number): Promise<Row[]> {
  return withEmulator(async ({ control, config }) => {
    const email = 'send-once@example.com';
    await control.createUser({ email });
    const measure = async (send: (token: string) => Promise<unknown>, freshToken: boolean) => {
      const times: number[] = [];
      let trips = 0;
      let token = (await control.createUser({ email })).token;
      await subjectOf({ accessToken: token }, config);
      for (let r = 0; r < repeats; r += 1) {
        if (freshToken) token = (await control.createUser({ email })).token;
        await control.clearRequests();
        const started = performance.now();
        await send(token);
        times.push(performance.now() - started);
        trips = sequentialRoundTrips(await control.requests());
      }
      return { ms: median(times), trips };
    };
    const sendAlone = (token: string) => sendEmail(createGmailClient({ accessToken: token }, config), MAIL);
    const keyedSend = async (token: string) => {
      await subjectOf({ accessToken: token }, config);
      return sendAlone(token);
    };
    await control.setLatency(latencyMs);
    try {
      const baseline = await measure(sendAlone, true);
      const fresh = await measure(keyedSend, true);
      const cached = await measure(keyedSend, false);
      await recordResult('send_once', {
        google_latency_ms: latencyMs,
        new_token: { sequential_round_trips: fresh.trips, ms: Math.round(fresh.ms) },
        cached_token: { sequential_round_trips: cached.trips, ms: Math.round(cached.ms) },
        baseline: { sequential_round_trips: baseline.trips, ms: Math.round(baseline.ms) },
        measured_at: new Date().toISOString(),
      });
      const row = (name: string, ours: typeof fresh): Row => ({
        name,
        value: `${ours.trips} round trips, ${ours.ms.toFixed(0)} ms`,
        baseline: `send alone: ${baseline.trips} round trips, ${baseline.ms.toFixed(0)} ms`,
        ratio: ours.ms / baseline.ms,
      });
      return [row('send keyed on the person, new token', fresh), row('send keyed on the person, cached', cached)];
    } finally {
      await control.setLatency(0);
    }
  });
}
