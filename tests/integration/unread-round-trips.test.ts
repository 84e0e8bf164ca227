import { afterEach, describe, expect, it } from 'vitest';
import type { RecordedRequest } from '../../emulator/control-client.ts';
import { emulator, newUser, post, rfc822 } from '../support/api.ts';

/**
 * The number of Gmail round trips that had to happen one after another: the longest
 * chain of requests in which each started after the previous one ended. With latency
 * added at the emulator, requests sent together overlap and count once.
 */
function sequentialRoundTrips(requests: RecordedRequest[]): number {
  const sorted = [...requests].sort((a, b) => a.endedAt - b.endedAt);
  const depth: number[] = [];
  sorted.forEach((request, i) => {
    let best = 0;
    for (let j = 0; j < i; j += 1) {
      if ((sorted[j] as RecordedRequest).endedAt <= request.startedAt) best = Math.max(best, depth[j] as number);
    }
    depth.push(best + 1);
  });
  return Math.max(0, ...depth);
}

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
    await emulator.setLatency(150);
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
