/**
 * `npm run bench`: the figures docs/performance.md quotes, each printed beside a baseline measured
 * in the same run (the machines are shared and noisy: compare ratios, not raw times), and
 * written to bench/results.json under each benchmark's own key. Loopback only; every part
 * is bounded and stops by itself.
 */
import { buildAll } from '../scripts/build.ts';
import { writeReferencePages } from '../scripts/reference/write.ts';
import { benchAgentPush } from './agent-push.ts';
import { benchColdStart } from './cold-start.ts';
import { benchMcp } from './mcp.ts';
import { benchMcpTokenPath } from './mcp-token-path.ts';
import { printRows } from './report.ts';
import { recordResult } from './results.ts';
import { benchSearch } from './search.ts';
import { benchSendOnce } from './send-once.ts';
import { benchHostileUnread, benchUnread, benchUnreadMemory } from './unread.ts';

const quick = process.argv.includes('--quick');

await buildAll();
const coldStart = await benchColdStart(quick ? 3 : 7);
printRows('Cold start: each function bundle imported in a fresh Node process, then its first request', coldStart.rows);
await recordResult('cold_start', coldStart.results);
// docs/reference/cold-start.md is generated from what was just recorded.
await writeReferencePages(process.cwd());
const unreadLatency = await benchUnread(100, [1, 10, 50, 100], quick ? 1 : 3);
printRows('Unread mail against the Google emulator', unreadLatency);
const hostile = await benchHostileUnread(1_000_000, quick ? 1 : 5);
printRows('Unread: a crafted 1 MB HTML mail against a plain one of the same size', hostile.rows);
const memory = await benchUnreadMemory([10, 50, 100], 10 * 1024 * 1024, [10]);
printRows('Unread: peak memory of a fresh process, every mail with a 10 MiB attachment', memory.rows);
await recordResult('unread', {
  measured_at: new Date().toISOString(),
  latency: unreadLatency,
  hostile_html_vs_plain: hostile.figures,
  peak_memory: memory.figures,
});
printRows('Search against the Google emulator', await benchSearch(100, [1, 10, 50, 100], quick ? 1 : 3));
printRows(
  'Sending once: the identity lookup before a send, against the Google emulator',
  await benchSendOnce(100, quick ? 3 : 15),
);
const mcp = await benchMcp(quick ? 1 : 3, quick ? 10 : 30);
printRows('MCP tool call against REST, same operation (serverless-offline, 2026-07-28)', mcp.rows);
await recordResult('mcp', mcp.figures);
const push = await benchAgentPush(quick ? 5 : 25, quick ? 5 : 20);
printRows('Desktop agent: launch latency and idle cost (serverless-offline, real agent process)', push.rows);
await recordResult('launch', push.results.launch);
await recordResult('idle_agent', push.results.idle_agent);
const perAgent = push.results.idle_agent.usd_per_month;
console.log(
  `\nAt a million idle agents push costs about $${Math.round(perAgent * 1e6).toLocaleString('en-US')} a month ` +
    `(the HTTP fallback $${Math.round(push.results.idle_agent.baseline.usd_per_month * 1e6).toLocaleString('en-US')}).`,
);
const tokenPath = await benchMcpTokenPath(100, quick ? 5 : 25);
printRows(
  'MCP tool call, token side: sealed Google token in the broker token vs. refreshing on the tool path',
  tokenPath.rows,
);
await recordResult('mcp_token_path', tokenPath.results);
