/**
 * `npm run bench`: the figures the README quotes, each printed beside a baseline measured
 * in the same run (the machines are shared and noisy: compare ratios, not raw times), and
 * the agent transport's figures merged into bench/results.json. Loopback only; every part
 * is bounded and stops by itself.
 */
import { buildAll } from '../scripts/build.ts';
import { benchAgentPush } from './agent-push.ts';
import { benchColdStart } from './cold-start.ts';
import { printRows } from './report.ts';
import { mergeResults, RESULTS_FILE } from './results.ts';
import { benchUnread } from './unread.ts';

const quick = process.argv.includes('--quick');

await buildAll();
printRows('Cold start: function bundles (import time in a fresh Node process)', await benchColdStart(quick ? 3 : 7));
printRows('Unread mail against the Google emulator', await benchUnread(100, [1, 10, 50], quick ? 1 : 3));
const push = await benchAgentPush(quick ? 5 : 25, quick ? 5 : 20);
printRows('Desktop agent: launch latency and idle cost (serverless-offline, real agent process)', push.rows);
await mergeResults(push.results);
const perAgent = push.results.idle_agent.usd_per_month;
console.log(
  `\nAt a million idle agents push costs about $${Math.round(perAgent * 1e6).toLocaleString('en-US')} a month ` +
    `(the HTTP fallback $${Math.round(push.results.idle_agent.baseline.usd_per_month * 1e6).toLocaleString('en-US')}). ` +
    `Figures written to ${RESULTS_FILE}.`,
);
