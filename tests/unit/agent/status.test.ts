import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AGENT_PROGRAM } from '#lib/agent-wire/protocol';
import { EXIT, main } from '../../../agent/cli.ts';
import { LOG_FILE, openLogFile, redactLogLine } from '../../../agent/log-file.ts';
import { runAgent } from '../../../agent/loop.ts';
import { STATE_FILE } from '../../../agent/state.ts';
import { readStatus, StatusWriter } from '../../../agent/status-file.ts';
import { recorderProgram } from '../../support/recorder-program.ts';
import {
  cleanUpAgentTest,
  killAfterTest,
  Lines,
  PLATFORM,
  RECORDER,
  ROOT,
  recorderCatalog,
  startFakeBroker,
  tempDir,
  waitForRecords,
} from './support.ts';

afterEach(cleanUpAgentTest);

async function status(stateDir: string, brokerUrl: string) {
  const stdout: string[] = [];
  const code = await main({
    argv: ['status', '--state-dir', stateDir, '--broker', brokerUrl],
    env: {},
    platform: 'linux',
    home: await tempDir(),
    stdout: (line) => stdout.push(line),
    stderr: (line) => stdout.push(line),
    onSignal: () => () => undefined,
    exit: () => undefined,
  });
  return { code, stdout };
}

describe('agent status', () => {
  it('reports a paired, connected agent with its catalog and last job; the log holds no arguments or keys', async () => {
    const broker = await startFakeBroker({ holdMs: 15_000 });
    const stateDir = await tempDir();
    const recordFile = path.join(await tempDir(), 'record.jsonl');
    const config = path.join(await tempDir(), 'agent.json');
    const apps = { recorder: { command: recorderProgram(), args: [RECORDER, recordFile], allow_args: 'unsafe-any' } };
    await writeFile(config, JSON.stringify({ apps, only: ['recorder'] }));
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        path.join(ROOT, 'agent', 'bin.ts'),
        '--broker',
        broker.url,
        '--state-dir',
        stateDir,
        '--config',
        config,
      ],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    killAfterTest(child);
    const stdout = new Lines();
    createInterface({ input: child.stdout }).on('line', stdout.push);
    createInterface({ input: child.stderr }).on('line', stdout.push);

    const code = (await stdout.waitFor(/^Pairing code: /)).slice('Pairing code: '.length);
    const before = await status(stateDir, broker.url);
    expect(before.code).toBe(EXIT.notRunning);
    expect(before.stdout).toContain(
      `Computer:    agent-1, not paired: say "pair my computer, code ${code}" to ChatGPT (valid until ${new Date(broker.onlyAgent().codeExpiresAt).toISOString()})`,
    );

    broker.pair(code);
    const secretArgs = ['--token=hunter2-SECRET', 'https://private.example/?q=diagnosis'];
    const job = broker.enqueue('agent-1', { args: secretArgs });
    await broker.resultsArrived(1);
    expect(await waitForRecords(recordFile, 1)).toEqual([secretArgs]);
    await vi.waitFor(async () => expect((await readStatus(stateDir))?.last_job?.job_id).toBe(job.job_id));

    const report = await status(stateDir, 'http://ignored.example');
    expect(report.code).toBe(EXIT.ok);
    const line = (label: string) => report.stdout.find((text) => text.startsWith(`${label}:`));
    expect(line('Broker')).toBe(`Broker:      ${broker.url}`);
    expect(line('Computer')).toBe('Computer:    agent-1, paired');
    expect(line('Account')).toBe('Account:     not known to the agent');
    expect(line('Running')).toMatch(new RegExp(`^Running: +yes, pid ${child.pid}, since `));
    expect(line('Connection')).toMatch(/^Connection: +connected over http-poll since /);
    expect(line('Catalog')).toBe('Catalog:     1 app');
    expect(line('Last job')).toMatch(new RegExp(`^Last job: +launched recorder \\(job ${job.job_id}\\) at `));
    expect(line('Service')).toBe('Service:     not installed');
    expect(report.stdout.join('\n')).not.toContain('hunter2');

    child.kill('SIGINT');
    await once(child, 'exit');
    const after = await status(stateDir, broker.url);
    expect(after.code).toBe(EXIT.notRunning);
    expect(after.stdout.find((text) => text.startsWith('Running:'))).toMatch(/^Running: +no \(last run pid/);

    const log = await readFile(path.join(stateDir, LOG_FILE), 'utf8');
    expect(log).toMatch(/Z launched recorder \(job [0-9a-f-]+, pid \d+\)\n/);
    expect(log).toMatch(/Stopped\.\n$/);
    const state = JSON.parse(await readFile(path.join(stateDir, STATE_FILE), 'utf8'));
    for (const secret of [
      ...secretArgs,
      'hunter2',
      'diagnosis',
      code,
      state.private_key,
      state.public_key,
      state.registration.broker_public_key,
    ]) {
      expect(log).not.toContain(secret);
    }
  });

  it('says when the agent has never run with this state directory', async () => {
    const stateDir = await tempDir();
    const report = await status(stateDir, 'https://broker.example');
    expect(report.code).toBe(EXIT.notRunning);
    expect(report.stdout).toEqual([
      expect.stringMatching(new RegExp(`^${AGENT_PROGRAM} \\d+\\.\\d+\\.\\d+`)),
      'Broker:      https://broker.example',
      'Computer:    not registered yet (start the agent to get a pairing code)',
      'Account:     not known to the agent',
      'Running:     no (it has not run with this state directory)',
      'Last job:    none yet',
      'Service:     not installed',
      `State dir:   ${stateDir}`,
      `Log file:    ${path.join(stateDir, LOG_FILE)}`,
    ]);
  });
});

describe('the status file the loop keeps', () => {
  it('records a lost connection with its reason, then the connection back', async () => {
    const broker = await startFakeBroker();
    const stateDir = await tempDir();
    const log = new Lines();
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const controller = new AbortController();
    const run = runAgent(
      {
        brokerUrl: broker.url,
        stateDir,
        name: 'pc',
        platform: PLATFORM,
        catalog: recorderCatalog(path.join(await tempDir(), 'record.jsonl')),
        log: log.push,
        out: log.push,
        // The backoff after the failed poll waits for the test to look.
        sleep: async () => {
          if (log.all.some((line) => line.startsWith('Poll failed'))) await held;
        },
        status: new StatusWriter(stateDir, { broker_url: broker.url, transport: 'http-poll', catalog_size: 3 }),
      },
      controller.signal,
    );
    broker.pair((await log.waitFor(/^Pairing code: /)).slice('Pairing code: '.length));
    await log.waitFor(/^Paired\./);
    expect(await readStatus(stateDir)).toMatchObject({
      broker_url: broker.url,
      agent_id: 'agent-1',
      paired: true,
      catalog_size: 3,
      connection: { state: 'connected', transport: 'http-poll' },
    });

    broker.failNextPolls.push(500);
    await log.waitFor(/^Poll failed/);
    await vi.waitFor(async () =>
      expect((await readStatus(stateDir))?.connection).toMatchObject({
        state: 'disconnected',
        error: expect.stringMatching(/500/),
      }),
    );
    release();
    await vi.waitFor(async () => expect((await readStatus(stateDir))?.connection.state).toBe('connected'));
    controller.abort();
    await run;
  });
});

describe('the log file', () => {
  it('rotates at its size cap and keeps a fixed number of files', async () => {
    const dir = await tempDir();
    const maxBytes = 300;
    const write = openLogFile(dir, { maxBytes, files: 3, now: () => 0 });
    for (let index = 0; index < 100; index++) write(`line ${index}`);
    expect(readdirSync(dir).sort()).toEqual([LOG_FILE, `${LOG_FILE}.1`, `${LOG_FILE}.2`]);
    for (const file of readdirSync(dir)) expect(statSync(path.join(dir, file)).size).toBeLessThanOrEqual(maxBytes);
    const newest = readFileSync(path.join(dir, LOG_FILE), 'utf8');
    expect(newest).toMatch(/1970-01-01T00:00:00\.000Z line 99\n$/);
    // The newest lines are kept, in order, across the files.
    const kept = [`${LOG_FILE}.2`, `${LOG_FILE}.1`, LOG_FILE]
      .flatMap((file) => readFileSync(path.join(dir, file), 'utf8').trim().split('\n'))
      .map((text) => Number(text.split(' line ')[1]));
    expect(kept).toEqual(kept.map((_, index) => 100 - kept.length + index));
  });

  it('keeps writing from where an earlier run left off', async () => {
    const dir = await tempDir();
    openLogFile(dir, { now: () => 0 })('first run');
    openLogFile(dir, { now: () => 0 })('second run');
    expect(readFileSync(path.join(dir, LOG_FILE), 'utf8')).toBe(
      '1970-01-01T00:00:00.000Z first run\n1970-01-01T00:00:00.000Z second run\n',
    );
    expect(existsSync(path.join(dir, `${LOG_FILE}.1`))).toBe(false);
  });

  it.each([
    ['Pairing code: BCDF-GHJK', 'Pairing code: [pairing code: see "agent status"]'],
    [
      'Say "pair my computer, code BCDF-GHJK" to ChatGPT',
      'Say "pair my computer, code [pairing code: see "agent status"]" to ChatGPT',
    ],
    ['key MCowBQYDK2VwAyEAq1w2e3R4t5Y6u7I8o9P0a1S2d3F4g5H6j7K8l9Z0x1C= pinned', 'key [redacted] pinned'],
    ['POST /api/agent/pair {"code":"BCDF-GHJK"}', 'POST /api/agent/pair {"code":"[pairing code: see "agent status"]"}'],
    ['The code works until 5:22 PM.', 'The code works until 5:22 PM.'],
    [
      'launched gedit (job 2b7c4a8e-1f3d-4e5a-9b6c-7d8e9f0a1b2c, pid 42)',
      'launched gedit (job 2b7c4a8e-1f3d-4e5a-9b6c-7d8e9f0a1b2c, pid 42)',
    ],
    [
      'state in /home/someone/projects/chatgpt/broker/agent/state',
      'state in /home/someone/projects/chatgpt/broker/agent/state',
    ],
  ])('writes %j as %j', (line, redacted) => {
    expect(redactLogLine(line)).toBe(redacted);
  });
});
