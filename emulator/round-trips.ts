import type { RecordedRequest } from './traffic.ts';

/**
 * How many round trips had to happen one after another: the longest chain of requests
 * in which each started only after the previous one ended. With latency added at the
 * emulator, requests sent together overlap and count once, so this counts waves.
 */
export function sequentialRoundTrips(requests: readonly RecordedRequest[]): number {
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
