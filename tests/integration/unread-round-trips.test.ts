import { afterEach, describe, expect, it } from 'vitest';
import { sequentialRoundTrips } from '../../emulator/round-trips.ts';
import { emulator, newUser, post, rfc822 } from '../support/api.ts';

describe("the unread path's Gmail round trips", () => {
  afterEach(async () => {
    await emulator.setLatency(0);
  });

  it.each([
    [1, 2],
    [10, 2],
    [50, 3],
  ])('takes at most the planned sequential round trips for limit %i (%i)', async (limit, planned) => {
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
    const trips = sequentialRoundTrips(gmail);
    expect(trips).toBeGreaterThanOrEqual(2);
    expect(trips).toBeLessThanOrEqual(planned);
  });
});
