import { once } from 'node:events';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import {
  AGENT_PATHS,
  FALLBACK_POLL_INTERVAL_MS,
  SOCKET_CONNECT,
  SOCKET_HEARTBEAT_MS,
  SOCKET_RENEW_MS,
} from '#lib/agent-wire/protocol';
import { generateSigningKeyPair, signRequest } from '#lib/agent-wire/signing';
import { operations } from '#lib/operations';
import { EmulatorControl } from '../emulator/control-client.ts';
import { spawnAgent } from '../local/agent-process.ts';
import { freePort } from '../local/ports.ts';
import { type LocalStack, startLocalStack } from '../local/stack.ts';
import { median, type Row } from './report.ts';

/** us-east-1 list prices (AWS pricing pages, 2025-2026; FACTS.md); change them here if yours differ. */
export const PRICES = {
  lambdaArmGbSecond: 0.0000133334,
  lambdaRequest: 0.2 / 1e6,
  httpApiRequest: 1.0 / 1e6,
  websocketMessage: 1.0 / 1e6,
  websocketConnectionMinute: 0.25 / 1e6,
  /** Every DynamoDB call is priced as a write (the dearer unit), to stay on the safe side. */
  dynamoWrite: 0.625 / 1e6,
};
/** serverless.yml's memory for the agent functions (socket handlers and the poll). */
const AGENT_FUNCTION_GB = 128 / 1024;
/** The long poll this replaced, as `npm run bench` measured it before the change (docs/performance.md). */
const LONG_POLL_USD_PER_MONTH = 4.88;
const HOURS_PER_MONTH = 720;
const agentBundle = fileURLToPath(new URL('../dist/agent/agent.mjs', import.meta.url));

interface LaunchFigures {
  transport: string;
  runs: number;
  /** From sending launch_app to the agent's process spawning the app (its "launched" line). */
  p50_ms: number;
  p95_ms: number;
  /** From sending launch_app to its answer (launched, after the agent's report). */
  answer_p50_ms: number;
}

interface IdleFigures {
  usd_per_month: number;
  lambda_invocations_per_hour: number;
  lambda_ms_per_hour: number;
  /** The longest single invocation seen while idle: nothing waits inside a Lambda. */
  longest_invocation_ms: number;
}

/**
 * Launch latency and idle cost of the agent transports, through serverless-offline, the
 * real agent process and dynalite: push over the WebSocket, against the HTTP fallback
 * measured in the same run.
 */
export async function benchAgentPush(runs: number, idleBeats: number) {
  const logFile = join(await mkdtemp(join(tmpdir(), 'bench-push-')), 'functions.log');
  const stack = await startLocalStack({
    httpPort: await freePort(),
    lambdaPort: await freePort(),
    websocketPort: await freePort(),
    logFile,
  });
  try {
    if (!stack.emulatorUrl) throw new Error('the bench needs the Google emulator');
    const user = await new EmulatorControl(stack.emulatorUrl).createUser({ email: 'bench-push@example.com' });
    const push = await measureLaunches(stack, user.token, 'socket', runs);
    const poll = await measureLaunches(stack, user.token, 'poll', runs);
    const first = await measureFirstLaunches(stack, user.token, Math.min(runs, FIRST_LAUNCH_RUNS));
    const idlePush = await measureIdleSocket(stack, user.token, logFile, idleBeats);
    const idlePoll = await measureIdlePoll(stack, user.token, logFile, Math.max(3, Math.round(idleBeats / 2)));
    const results = {
      launch: {
        ...push,
        first_after_pairing: first,
        baseline: {
          transport: poll.transport,
          p50_ms: poll.p50_ms,
          p95_ms: poll.p95_ms,
          answer_p50_ms: poll.answer_p50_ms,
        },
      },
      idle_agent: {
        ...idlePush,
        transport: 'websocket',
        baseline: { transport: 'http poll', ...idlePoll },
        replaced_long_poll: { usd_per_month: LONG_POLL_USD_PER_MONTH },
      },
    };
    const rows: Row[] = [
      {
        name: `launch, request to spawn (${runs} runs, real agent process)`,
        value: `push: p50 ${push.p50_ms} ms, p95 ${push.p95_ms} ms (answered launched at p50 ${push.answer_p50_ms} ms)`,
        baseline: `HTTP poll every ${FALLBACK_POLL_INTERVAL_MS / 1000} s: p50 ${poll.p50_ms} ms, p95 ${poll.p95_ms} ms`,
        ratio: push.p50_ms / poll.p50_ms,
      },
      {
        name: `first launch after pairing, request to spawn (${first.runs} fresh agents)`,
        value: `p50 ${first.p50_ms} ms, p95 ${first.p95_ms} ms (answered launched at p50 ${first.answer_p50_ms} ms)`,
        baseline: `a later launch over push: p50 ${push.p50_ms} ms`,
        ratio: first.p50_ms / push.p50_ms,
      },
      {
        name: 'idle agent, per agent-month',
        value: `push: $${idlePush.usd_per_month.toFixed(4)} (${idlePush.lambda_invocations_per_hour.toFixed(1)} invocations and ${idlePush.lambda_ms_per_hour.toFixed(0)} Lambda ms per hour; longest ${idlePush.longest_invocation_ms} ms)`,
        baseline: `HTTP poll: $${idlePoll.usd_per_month.toFixed(4)} (${idlePoll.lambda_invocations_per_hour.toFixed(0)} invocations per hour); the long poll it replaced: $${LONG_POLL_USD_PER_MONTH}`,
        ratio: idlePush.usd_per_month / idlePoll.usd_per_month,
      },
    ];
    return { rows, results };
  } finally {
    await stack.stop();
  }
}

/** serverless-offline starts a worker per concurrent invocation: the first launches pay those cold starts. */
const WARM_UP_LAUNCHES = 5;

/** Launches `runs` times (after the warm-up launches) through a real agent on one transport. */
async function measureLaunches(
  stack: LocalStack,
  token: string,
  transport: 'socket' | 'poll',
  runs: number,
): Promise<LaunchFigures> {
  const name = `bench-${transport}`;
  const agent = await startAgentProcess(stack.apiUrl, name, transport);
  try {
    const code = (await agent.waitFor(/Pairing code: (\S+)/))[1];
    await call(stack, token, AGENT_PATHS.pair, { code });
    // Over the socket it connects before the pairing: the pairing line says it heard of it.
    await agent.waitFor(/Paired( to "[^"]+")?\. Waiting for jobs\./);
    if (transport === 'socket') await agent.waitFor(/Connected to ws:/);
    const toSpawn: number[] = [];
    const toAnswer: number[] = [];
    for (let i = 0; i < runs + WARM_UP_LAUNCHES; i += 1) {
      // Launches come when people ask, not in step with a poll: a random pause first.
      if (i >= WARM_UP_LAUNCHES) await sleep(Math.random() * FALLBACK_POLL_INTERVAL_MS);
      const started = performance.now();
      const spawned = agent.nextLine(/^launched bench \(job /).then(() => performance.now() - started);
      const answer = await call(stack, token, operations.launch_app.path, { app_name: 'bench', agent: name });
      const answered = performance.now() - started;
      // A warm-up launch may outlast LAUNCH_WAIT_MS (cold functions); it still spawns.
      if (i >= WARM_UP_LAUNCHES && (answer as { data?: { status?: string } }).data?.status !== 'launched') {
        throw new Error(`launch ${i} over ${transport} answered ${JSON.stringify(answer)}`);
      }
      const spawnMs = await spawned;
      if (i >= WARM_UP_LAUNCHES) {
        toSpawn.push(spawnMs);
        toAnswer.push(answered);
      }
    }
    return {
      transport: transport === 'socket' ? 'websocket push' : `http poll every ${FALLBACK_POLL_INTERVAL_MS} ms`,
      runs,
      p50_ms: Math.round(median(toSpawn)),
      p95_ms: Math.round(percentile(toSpawn, 0.95)),
      answer_p50_ms: Math.round(median(toAnswer)),
    };
  } finally {
    await agent.stop();
  }
}

/**
 * Fresh agents for the first-launch figure: each is a registration, and one network address
 * may register 20 an hour (AGENT_REGISTRATIONS_PER_HOUR's default), of which this bench uses 4 elsewhere.
 */
const FIRST_LAUNCH_RUNS = 10;

/**
 * "Pair my computer", then at once "open the app": for each of `runs` fresh agents (after
 * one warm-up), the code is confirmed while the agent waits on its connection (it connects
 * within milliseconds of printing the code, long before a person could type it), and the
 * launch is sent as soon as the pairing answers. Timed like `measureLaunches`.
 */
async function measureFirstLaunches(stack: LocalStack, token: string, runs: number): Promise<LaunchFigures> {
  const toSpawn: number[] = [];
  const toAnswer: number[] = [];
  for (let i = 0; i <= runs; i += 1) {
    const name = `bench-first-${i}`;
    const agent = await startAgentProcess(stack.apiUrl, name, 'socket');
    try {
      const code = (await agent.waitFor(/Pairing code: (\S+)/))[1];
      await agent.waitFor(/waiting for the pairing code to be confirmed/);
      await call(stack, token, AGENT_PATHS.pair, { code });
      const started = performance.now();
      const spawned = agent.nextLine(/^launched bench \(job /).then(() => performance.now() - started);
      const answer = await call(stack, token, operations.launch_app.path, { app_name: 'bench', agent: name });
      const answered = performance.now() - started;
      if (i > 0 && (answer as { data?: { status?: string } }).data?.status !== 'launched') {
        throw new Error(`first launch ${i} answered ${JSON.stringify(answer)}`);
      }
      const spawnMs = await spawned;
      if (i > 0) {
        toSpawn.push(spawnMs);
        toAnswer.push(answered);
      }
    } finally {
      await agent.stop();
    }
  }
  return {
    transport: 'websocket push, first launch after pairing',
    runs,
    p50_ms: Math.round(median(toSpawn)),
    p95_ms: Math.round(percentile(toSpawn, 0.95)),
    answer_p50_ms: Math.round(median(toAnswer)),
  };
}

/**
 * An idle push connection, opened and signed as the agent opens it, sending `collect` (the
 * heartbeat) `beats` times, each after the answer to the last, to count what one costs;
 * the hour is then `SOCKET_HEARTBEAT_MS` heartbeats and a new connection every
 * `SOCKET_RENEW_MS` (a `$connect`, a first collect, a `$disconnect`).
 */
async function measureIdleSocket(stack: LocalStack, token: string, logFile: string, beats: number) {
  const identity = await pairedIdentity(stack, token, 'bench-idle');
  const mark = await logLength(logFile);
  const atStart = stack.dynamo.requestCount();
  const headers = signRequest(
    { ...SOCKET_CONNECT, body: '', timestamp: Date.now(), agentId: identity.agentId },
    identity.privateKey,
  );
  const socket = new WebSocket(stack.socketUrl, { headers: { ...headers } });
  await once(socket, 'open');
  const afterConnect = stack.dynamo.requestCount();
  const collect = async () => {
    const answer = once(socket, 'message');
    socket.send(JSON.stringify({ action: 'collect' }));
    await answer;
  };
  await collect();
  const afterFirst = stack.dynamo.requestCount();
  for (let beat = 0; beat < beats; beat += 1) await collect();
  const afterBeats = stack.dynamo.requestCount();
  socket.close(1000);
  // $disconnect runs after the socket closed; wait for its log line.
  const events = await waitForEvents(logFile, mark, (list) =>
    list.some((event) => event.operation === 'agent_socket_disconnect'),
  );
  const of = (operation: string) => events.filter((event) => event.operation === operation).map((event) => event.ms);
  const collects = of('agent_socket_message');
  const connectMs = median(of('agent_socket_connect'));
  const disconnectMs = median(of('agent_socket_disconnect'));
  // The first collect of a connection reads its owner; the heartbeats after it are what an hour repeats.
  const beatMs = median(collects.slice(1));
  const connectCalls = afterConnect - atStart;
  const firstBeatCalls = afterFirst - afterConnect;
  const beatCalls = (afterBeats - afterFirst) / beats;
  const disconnectCalls = stack.dynamo.requestCount() - afterBeats;

  const beatsPerHour = 3_600_000 / SOCKET_HEARTBEAT_MS;
  const renewsPerHour = 3_600_000 / SOCKET_RENEW_MS;
  const invocationsPerHour = beatsPerHour + renewsPerHour * 3;
  const lambdaMsPerHour = beatsPerHour * beatMs + renewsPerHour * (connectMs + beatMs + disconnectMs);
  const messagesPerHour = (beatsPerHour + renewsPerHour) * 2; // collect in, collected out
  const dynamoPerHour = beatsPerHour * beatCalls + renewsPerHour * (connectCalls + firstBeatCalls + disconnectCalls);
  const hourly =
    messagesPerHour * PRICES.websocketMessage +
    60 * PRICES.websocketConnectionMinute +
    invocationsPerHour * PRICES.lambdaRequest +
    (lambdaMsPerHour / 1000) * AGENT_FUNCTION_GB * PRICES.lambdaArmGbSecond +
    dynamoPerHour * PRICES.dynamoWrite;
  return {
    usd_per_month: round(hourly * HOURS_PER_MONTH, 4),
    lambda_invocations_per_hour: round(invocationsPerHour, 2),
    lambda_ms_per_hour: Math.round(lambdaMsPerHour),
    longest_invocation_ms: Math.max(...collects, connectMs, disconnectMs),
    messages_per_hour: round(messagesPerHour, 2),
    connection_minutes_per_hour: 60,
    dynamodb_calls_per_hour: round(dynamoPerHour, 1),
  } satisfies IdleFigures & Record<string, number>;
}

/** The HTTP fallback while idle: one signed poll every `FALLBACK_POLL_INTERVAL_MS`. */
async function measureIdlePoll(stack: LocalStack, token: string, logFile: string, polls: number) {
  const identity = await pairedIdentity(stack, token, 'bench-idle-poll');
  const poll = () => {
    const body = '{}';
    const headers = signRequest(
      { method: 'POST', path: AGENT_PATHS.poll, body, timestamp: Date.now(), agentId: identity.agentId },
      identity.privateKey,
    );
    return fetch(`${stack.apiUrl}${AGENT_PATHS.poll}`, { method: 'POST', headers: { ...headers }, body });
  };
  await poll(); // learns it is paired, and warms the function
  const mark = await logLength(logFile);
  const before = stack.dynamo.requestCount();
  for (let i = 0; i < polls; i += 1) await poll();
  const calls = (stack.dynamo.requestCount() - before) / polls;
  const events = await waitForEvents(logFile, mark, (list) => list.length >= polls);
  const ms = median(events.filter((event) => event.operation === 'poll_agent_jobs').map((event) => event.ms));
  const pollsPerHour = 3_600_000 / FALLBACK_POLL_INTERVAL_MS;
  const hourly =
    pollsPerHour *
    (PRICES.httpApiRequest +
      PRICES.lambdaRequest +
      (ms / 1000) * AGENT_FUNCTION_GB * PRICES.lambdaArmGbSecond +
      calls * PRICES.dynamoWrite);
  return {
    usd_per_month: round(hourly * HOURS_PER_MONTH, 4),
    lambda_invocations_per_hour: pollsPerHour,
    lambda_ms_per_hour: Math.round(pollsPerHour * ms),
  };
}

async function pairedIdentity(stack: LocalStack, token: string, name: string) {
  const keys = generateSigningKeyPair();
  const registered = (await call(stack, undefined, AGENT_PATHS.register, {
    name,
    platform: 'linux',
    public_key: keys.publicKey,
  })) as { agent_id: string; pairing_code: string };
  await call(stack, token, AGENT_PATHS.pair, { code: registered.pairing_code });
  return { agentId: registered.agent_id, privateKey: keys.privateKey };
}

async function call(stack: LocalStack, token: string | undefined, path: string, body: unknown): Promise<unknown> {
  const response = await fetch(`${stack.apiUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  const json = (await response.json()) as unknown;
  if (!response.ok) throw new Error(`${path} answered ${response.status}: ${JSON.stringify(json)}`);
  return json;
}

interface LoggedEvent {
  operation: string;
  ms: number;
}

async function logLength(file: string): Promise<number> {
  return (await readFile(file, 'utf8').catch(() => '')).length;
}

/** The functions' request lines logged after `mark`, once `done` says they are all there. */
async function waitForEvents(
  file: string,
  mark: number,
  done: (events: LoggedEvent[]) => boolean,
): Promise<LoggedEvent[]> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const text = (await readFile(file, 'utf8')).slice(mark);
    const events = text
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Partial<LoggedEvent>)
      .filter((event): event is LoggedEvent => typeof event.operation === 'string' && typeof event.ms === 'number');
    if (done(events) || Date.now() > deadline) return events;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The real agent bundle, with a catalog of one harmless program. */
async function startAgentProcess(apiUrl: string, name: string, transport: string) {
  const agent = await spawnAgent({
    bundle: agentBundle,
    broker: apiUrl,
    stateDir: await mkdtemp(join(tmpdir(), 'bench-agent-')),
    catalog: { apps: { bench: { command: process.execPath, args: ['-e', '0'] } }, only: ['bench'] },
    name,
    args: ['--transport', transport],
  });
  /** Lines not yet consumed by `nextLine`, and who waits for the next. */
  const lines: string[] = [];
  let waiting: { pattern: RegExp; resolve: () => void } | undefined;
  let partial = '';
  agent.child.stdout?.on('data', (chunk: Buffer) => {
    const parts = (partial + chunk.toString()).split('\n');
    partial = parts.pop() ?? '';
    for (const line of parts) {
      if (waiting?.pattern.test(line)) {
        waiting.resolve();
        waiting = undefined;
      } else lines.push(line);
    }
  });
  return {
    /** Resolves when the agent prints a matching line from now on (each line counts once). */
    nextLine(pattern: RegExp): Promise<void> {
      lines.length = 0;
      return new Promise((resolve) => {
        waiting = { pattern, resolve };
      });
    },
    /** A match anywhere in what the agent printed; a cold serverless-offline may take a while. */
    waitFor: (pattern: RegExp) => agent.waitFor(pattern, 60_000),
    stop: () => agent.stop(),
  };
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] as number;
}

function round(value: number, digits: number): number {
  return Number(value.toFixed(digits));
}
