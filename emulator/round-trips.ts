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

/**
 * The most requests the emulator was answering at one moment: how many calls the client had
 * in flight at once, at most (a request that ended as another started does not overlap it).
 */
export function mostInFlight(requests: readonly RecordedRequest[]): number {
  const edges = requests.flatMap((request) => [
    { at: request.startedAt, change: 1 },
    { at: request.endedAt, change: -1 },
  ]);
  // Ends before starts at the same instant.
  edges.sort((a, b) => a.at - b.at || a.change - b.change);
  let open = 0;
  let most = 0;
  for (const edge of edges) {
    open += edge.change;
    most = Math.max(most, open);
  }
  return most;
}
