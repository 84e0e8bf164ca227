import { afterEach, describe, expect, it } from 'vitest';
import { mostInFlight, sequentialRoundTrips } from '../../emulator/round-trips.ts';
import { emulator, newUser, post, rfc822 } from '../support/api.ts';

describe("the unread path's Gmail round trips", () => {
  afterEach(async () => {
    await emulator.setLatency(0);
  });

  // Up to 50: the list, then every message at once.
  it.each([
    [1, 2],
    [10, 2],
    [50, 2],
  ])('takes the planned sequential round trips for limit %i (%i)', async (limit, planned) => {
    const gmail = await unreadTraffic(limit);
    expect(sequentialRoundTrips(gmail)).toBe(planned);
    expect(mostInFlight(gmail)).toBe(limit);
  });

  it('at limit 100 keeps at most 50 calls in flight (Gmail advises no more per batch): more than two round trips', async () => {
    const gmail = await unreadTraffic(100);
    expect(mostInFlight(gmail)).toBe(50); // FETCH_CONCURRENCY
    // Each of the 50 slots takes its second message when its first is back: at least a
    // second wave (how many the log shows beyond that depends on this machine's load).
    expect(sequentialRoundTrips(gmail)).toBeGreaterThanOrEqual(3);
  });

  /** Asks for `limit` unread mails of a fresh inbox holding that many; the Gmail requests it made. */
  async function unreadTraffic(limit: number) {
    const user = await newUser();
    for (let i = 0; i < limit; i += 1) {
      await emulator.seedMessage({
        email: user.email,
        raw: rfc822(['From: a@example.com', 'To: b@example.com', `Subject: Mail ${i}`, '', `Body ${i}`]),
      });
    }
    // Latency well above this machine's scheduling noise: under load (2 cores, load 10+) the
    // second wave's requests reach the emulator up to ~230 ms apart, and with 150 ms that
    // read as a third wave (measured with the format=raw code before this branch as well).
    await emulator.setLatency(400);
    await emulator.clearRequests();
    const answer = await post('/api/email/unread', { token: user.token, body: { limit } });
    expect(answer.status).toBe(200);
    expect(answer.json.count).toBe(limit);
    const gmail = (await emulator.requests()).filter((request) => request.path.startsWith('/gmail/'));
    expect(gmail).toHaveLength(limit + 1); // one list, one fetch per message
    return gmail;
  }
});
