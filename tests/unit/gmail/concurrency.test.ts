import { describe, expect, it } from 'vitest';
import { mapWithConcurrency } from '#lib/gmail/concurrency';

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('mapWithConcurrency', () => {
  it('keeps the input order and never runs more than the limit at once', async () => {
    let running = 0;
    let peak = 0;
    const items = Array.from({ length: 60 }, (_, index) => index);
    const result = await mapWithConcurrency(items, 25, async (item) => {
      running += 1;
      peak = Math.max(peak, running);
      // Later items finish first, so order comes from the index, not completion.
      for (let i = 0; i < 60 - item; i++) await tick();
      running -= 1;
      return item * 2;
    });
    expect(result).toEqual(items.map((item) => item * 2));
    expect(peak).toBe(25);
  });

  it('rejects with the first failure and starts nothing after it', async () => {
    const started: number[] = [];
    const run = mapWithConcurrency([0, 1, 2, 3, 4, 5], 2, async (item) => {
      started.push(item);
      await tick();
      if (item === 1) throw new Error('boom');
      return item;
    });
    await expect(run).rejects.toThrow('boom');
    expect(started).toEqual([0, 1, 2]);
  });

  it('handles an empty list and refuses a bad limit', async () => {
    await expect(mapWithConcurrency([], 25, async (x) => x)).resolves.toEqual([]);
    await expect(mapWithConcurrency([1], 0, async (x) => x)).rejects.toThrow(RangeError);
  });
});
