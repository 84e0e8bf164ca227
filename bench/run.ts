/**
 * `npm run bench`: the figures the README quotes, each printed beside a baseline measured
 * in the same run (the machines are shared and noisy: compare ratios, not raw times).
 * Loopback only; every part is bounded and stops by itself.
 */
import { buildAll } from '../scripts/build.ts';
import { benchColdStart } from './cold-start.ts';
import { benchIdlePoll } from './idle-poll.ts';
import { printRows } from './report.ts';
import { benchSearch } from './search.ts';
import { benchUnread } from './unread.ts';

const quick = process.argv.includes('--quick');

await buildAll();
printRows('Cold start: function bundles (import time in a fresh Node process)', await benchColdStart(quick ? 3 : 7));
printRows('Unread mail against the Google emulator', await benchUnread(100, [1, 10, 50], quick ? 1 : 3));
printRows('Search against the Google emulator', await benchSearch(100, [1, 10, 50], quick ? 1 : 3));
const idle = await benchIdlePoll(quick ? 5_000 : 20_000);
printRows('What an idle desktop agent costs', idle.rows);
console.log(
  `\nAt a million idle agents the long poll costs about $${((idle.longPoll.monthlyUsd * 1e6) / 1e6).toFixed(1)} million a month (see README).`,
);
