import type { Metrics } from '@aws-lambda-powertools/metrics';
import { SERVICE } from './service.ts';

/**
 * What the broker counts, as CloudWatch metrics in the stage's namespace, written as
 * embedded-metric-format log lines (no CloudWatch API call; CloudWatch reads them from the
 * function's log). The deployment's alarms name some of them (scripts/alarms.ts).
 */
export const METRIC = {
  /** A mail left through Gmail (send, reply, a sent draft). */
  mailSent: 'MailsSent',
  /** A send Gmail refused (a 4xx: bad recipient, too large, no permission). */
  mailRefused: 'MailsRefused',
  /** Any Gmail or Google call that failed, after the client's own retries. */
  googleError: 'GoogleErrors',
  /** Of those, Google's "slow down" (429 or a rate-limit 403). */
  googleThrottled: 'GoogleThrottled',
  /** A paired computer reported on a launch job it was given. */
  launchDelivered: 'LaunchesDelivered',
  /** The computer refused the job (not in its catalog, arguments its entry does not allow, a bad signature). */
  launchRefused: 'LaunchesRefused',
  /** launch_app answered while no computer had picked the job up: the agent is offline or slow. */
  launchUnpicked: 'LaunchesUnpicked',
  /** An MCP client's user finished signing in with Google (a grant was made). */
  mcpSignIn: 'McpSignIns',
  /** An MCP client refreshed its token. */
  mcpRefresh: 'McpRefreshes',
} as const;

export type MetricName = (typeof METRIC)[keyof typeof METRIC];

/** What this request counted, in order, until the request ends. */
const counted: Array<[MetricName, number]> = [];

let powertools: Promise<Metrics> | undefined;

/**
 * Powertools Metrics, loaded when a request first has something to write: most requests
 * count nothing, and its import costs every cold start about 5 ms. The namespace is the
 * stage's (POWERTOOLS_METRICS_NAMESPACE, set by the deployment), so stages in one account
 * never add up.
 */
function metrics(): Promise<Metrics> {
  powertools ??= import('@aws-lambda-powertools/metrics').then(({ Metrics }) => new Metrics({ serviceName: SERVICE }));
  return powertools;
}

/** Counts one (or `value`) of `metric` in this request; written when the request ends. */
export function count(metric: MetricName, value = 1): void {
  counted.push([metric, value]);
}

/** Writes what this request counted, if anything (an empty flush would log a warning). */
export async function flushMetrics(): Promise<void> {
  if (counted.length === 0) return;
  const batch = counted.splice(0);
  const writer = await metrics();
  for (const [metric, value] of batch) writer.addMetric(metric, 'Count', value);
  writer.publishStoredMetrics();
}
