/**
 * Maps `items` through `fn` with at most `limit` calls in flight, keeping the input order
 * in the result. With `limit` 50, fetching 50 messages takes one wave of round trips
 * instead of 50. Rejects with the first failure; no new call starts after it (calls in flight finish).
 */
export async function mapWithConcurrency<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError('limit must be a positive integer');
  const results = new Array<R>(items.length);
  let next = 0;
  let failed = false;
  // Each worker takes the next unclaimed index until none is left: a slow call holds one
  // slot, not a whole wave.
  const worker = async (): Promise<void> => {
    while (!failed && next < items.length) {
      const index = next++;
      try {
        results[index] = await fn(items[index] as T, index);
      } catch (error) {
        failed = true; // the others stop taking new items
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
