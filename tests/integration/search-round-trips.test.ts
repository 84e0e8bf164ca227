import { afterEach, describe, expect, it } from 'vitest';
import { sequentialRoundTrips } from '../../emulator/round-trips.ts';
import { emulator, newUser, post, rfc822 } from '../support/api.ts';

describe('Gmail round trips for reading many messages', () => {
  afterEach(async () => {
    await emulator.setLatency(0);
  });

  it.each([1, 10, 50])(
    'search at limit %i costs two sequential round trips: the list, then every message at once',
    async (limit) => {
      const user = await newUser();
      for (let i = 0; i < limit; i += 1) {
        await emulator.seedMessage({
          email: user.email,
          raw: rfc822(['From: a@example.com', `To: ${user.email}`, `Subject: Report ${i}`, '', `Body ${i}`]),
        });
      }
      // Latency well above this machine's scheduling noise, as in unread-round-trips.test.ts:
      // fetches sent together must not read as a second wave.
      await emulator.setLatency(400);
      await emulator.clearRequests();
      const answer = await post('/api/email/search', { token: user.token, body: { query: 'subject:report', limit } });
      expect(answer.status).toBe(200);
      expect(answer.json.count).toBe(limit);
      const gmail = (await emulator.requests()).filter((request) => request.path.startsWith('/gmail/'));
      expect(gmail).toHaveLength(limit + 1);
      expect(sequentialRoundTrips(gmail)).toBe(2);
    },
  );

  it('a thread of 50 messages reads in ONE Gmail call', async () => {
    const user = await newUser();
    let threadId = '';
    for (let i = 0; i < 50; i += 1) {
      const seeded = await emulator.seedMessage({
        email: user.email,
        raw: rfc822([
          'From: a@example.com',
          `To: ${user.email}`,
          `Subject: ${i === 0 ? 'Long' : 'Re: Long'}`,
          `Message-ID: <long-${i}@example.com>`,
          ...(i > 0 ? [`References: <long-${i - 1}@example.com>`] : []),
          '',
          `Part ${i}`,
        ]),
      });
      threadId = seeded.threadId;
    }
    await emulator.clearRequests();
    const answer = await post('/api/email/read', { token: user.token, body: { thread_id: threadId } });
    expect(answer.json.messages).toHaveLength(50);
    expect((await emulator.requests()).filter((request) => request.path.startsWith('/gmail/'))).toHaveLength(1);
  });
});
