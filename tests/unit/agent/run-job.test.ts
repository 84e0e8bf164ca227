import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { copyFile, mkdir, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { generateSigningKeyPair, type JobFields, signJob } from '#lib/agent-wire/signing';
import { buildCatalog, checkArgumentTargets, parseCatalogConfig } from '../../../agent/catalog.ts';
import { type JobRunContext, runJob } from '../../../agent/run-job.ts';
import { AgentState, SEEN_FILE } from '../../../agent/state.ts';
import { recorderProgram } from '../../support/recorder-program.ts';
import {
  PLATFORM,
  RECORDER,
  recordedLines,
  recorderCatalog,
  removeTempDirs,
  tempDir,
  watchedSpawn,
} from './support.ts';

const broker = generateSigningKeyPair();
const NOW = Date.now();
const AGENT_ID = 'agent-1';

function job(fields: Partial<JobFields> = {}, key = broker.privateKey) {
  return signJob(
    {
      job_id: randomUUID(),
      agent_id: AGENT_ID,
      app: 'recorder',
      args: [],
      issued_at: NOW - 1_000,
      expires_at: NOW + 60_000,
      ...fields,
    },
    key,
  );
}

let stateDir: string;
let recordFile: string;
let spawn: ReturnType<typeof watchedSpawn>;
let context: JobRunContext;

async function contextFor(dir: string, overrides: Partial<JobRunContext> = {}): Promise<JobRunContext> {
  return {
    agentId: AGENT_ID,
    brokerPublicKey: broker.publicKey,
    catalog: recorderCatalog(recordFile),
    state: await AgentState.open(dir, NOW),
    now: () => NOW,
    fileExists: existsSync,
    spawn,
    ...overrides,
  };
}

beforeEach(async () => {
  stateDir = await tempDir();
  recordFile = path.join(await tempDir(), 'record.jsonl');
  spawn = watchedSpawn();
  context = await contextFor(stateDir);
});

afterEach(async () => {
  await spawn.exited();
  await removeTempDirs();
});

describe('a valid job', () => {
  it('runs the catalog program exactly once with exactly the job arguments', async () => {
    const outcome = await runJob(job({ args: ['notes.txt', 'two words'] }), context);
    await spawn.exited();

    expect(outcome.result).toMatchObject({ status: 'launched', pid: expect.any(Number) });
    expect(outcome.line).toMatch(/^launched recorder \(job [0-9a-f-]+, pid \d+\)$/);
    expect(spawn.calls).toEqual([
      { command: recorderProgram(), args: [RECORDER, recordFile, 'notes.txt', 'two words'] },
    ]);
    expect(recordedLines(recordFile)).toEqual([['notes.txt', 'two words']]);
  });

  it('matches the app name case-insensitively and through spaces', async () => {
    const outcome = await runJob(job({ app: 'URL Recorder', args: ['https://example.com/a?b=c&d=e#f'] }), context);
    await spawn.exited();
    expect(outcome.result?.status).toBe('launched');
    expect(recordedLines(recordFile)).toEqual([['https://example.com/a?b=c&d=e#f']]);
  });

  it('passes shell metacharacters as literal argv text that no shell ever interprets', async () => {
    const canary = path.join(stateDir, 'pwned');
    const hostile = [
      '; rm -rf ~',
      '$(whoami)',
      '| cat /etc/passwd',
      '`id`',
      `&& echo pwned > ${canary}`,
      `$(touch ${canary})`,
      '%PATH% & calc.exe',
      '"quoted" \'single\' \\ back',
      '*',
      '\nsecond line',
    ];
    const outcome = await runJob(job({ args: hostile }), context);
    await spawn.exited();

    expect(outcome.result?.status).toBe('launched');
    expect(recordedLines(recordFile)).toEqual([hostile]);
    expect(existsSync(canary)).toBe(false);
  });
});

describe('jobs that are refused without spawning anything', () => {
  async function expectRefused(raw: unknown, reason: string, ctx = context) {
    const outcome = await runJob(raw, ctx);
    expect(outcome.result).toMatchObject({
      status: 'refused',
      message: expect.stringMatching(new RegExp(`^${reason}: `)),
    });
    expect(outcome.line).toMatch(/^refused job /);
    expect(spawn.calls).toEqual([]);
    expect(recordedLines(recordFile)).toEqual([]);
  }

  it('refuses a job whose arguments were changed after signing', async () => {
    await expectRefused({ ...job({ args: ['a'] }), args: ['a', '--evil'] }, 'bad_signature');
  });

  it('refuses a job signed by any key but the pinned broker key', async () => {
    await expectRefused(job({}, generateSigningKeyPair().privateKey), 'bad_signature');
  });

  it('refuses an expired job', async () => {
    await expectRefused(job({ issued_at: NOW - 120_000, expires_at: NOW - 1 }), 'expired');
  });

  it('refuses a job issued in the future', async () => {
    await expectRefused(job({ issued_at: NOW + 600_000, expires_at: NOW + 660_000 }), 'not_yet_valid');
  });

  it('refuses a job for another agent', async () => {
    await expectRefused(job({ agent_id: 'agent-2' }), 'wrong_agent');
  });

  it('refuses an app outside the catalog, including a path or a shell', async () => {
    await expectRefused(job({ app: 'bash' }), 'unknown_app');
    await expectRefused(job({ app: '/bin/sh' }), 'unknown_app');
    await expectRefused(job({ app: process.execPath }), 'unknown_app');
  });

  it.runIf(PLATFORM !== 'windows')(
    'refuses arguments for a program that turned into a script after startup, and spawns nothing',
    async () => {
      const tool = path.join(await tempDir(), 'tool');
      await copyFile('/usr/bin/true', tool);
      const config = { apps: { tool: { command: tool, args: [RECORDER, recordFile], allow_args: 'unsafe-any' } } };
      const catalog = buildCatalog(PLATFORM, {}, parseCatalogConfig(JSON.stringify(config), PLATFORM));
      await checkArgumentTargets(catalog);
      await writeFile(tool, '#!/bin/sh\nexec "$@"\n');
      const refused = await runJob(job({ app: 'tool', args: ['x'] }), await contextFor(stateDir, { catalog }));
      expect(refused.result).toMatchObject({
        status: 'refused',
        message: `args_refused: ${tool} is a script for /bin/sh: an interpreter may not take caller arguments`,
      });
      expect(spawn.calls).toEqual([]);
    },
  );

  it('refuses any argument for an entry that allows none', async () => {
    const strict = await contextFor(stateDir, { catalog: recorderCatalog(recordFile, false) });
    await expectRefused(job({ args: ['x'] }), 'args_refused', strict);
  });

  it.each([
    'javascript:alert(1)',
    'file:///etc/passwd',
    'data:text/html,<script>alert(1)</script>',
    '--renderer-cmd-prefix=/bin/sh',
    'https://example.com/ with space',
    ' https://example.com/',
    'http:example.com',
  ])('refuses %j for an entry that takes only http(s) URLs', async (arg) => {
    await expectRefused(job({ app: 'url recorder', args: ['https://ok.example/', arg] }), 'args_refused');
  });

  it('reports a malformed job without an id as nothing to report', async () => {
    const outcome = await runJob({ status: 'surprise' }, context);
    expect(outcome).toEqual({ result: undefined, line: 'refused job without an id: job is malformed' });
    expect(spawn.calls).toEqual([]);
  });
});

describe('at most once', () => {
  it('never runs a replayed job, also after the agent restarts from the same state dir', async () => {
    const once = job({ args: ['first'] });
    expect((await runJob(once, context)).result?.status).toBe('launched');
    expect((await runJob(once, context)).result).toMatchObject({ status: 'refused', message: /^replayed: / });

    const restarted = await contextFor(stateDir);
    expect((await runJob(once, restarted)).result).toMatchObject({ status: 'refused', message: /^replayed: / });

    await spawn.exited();
    expect(spawn.calls).toHaveLength(1);
    expect(recordedLines(recordFile)).toEqual([['first']]);
  });

  it('writes the job id to disk before spawning, so a kill mid-launch never runs it again', async () => {
    const doomed = job({ args: ['once'] });
    let onDiskAtSpawn: unknown;
    const dying = await contextFor(stateDir, {
      spawn: () => {
        onDiskAtSpawn = JSON.parse(readFileSync(path.join(stateDir, SEEN_FILE), 'utf8'));
        throw new Error('agent killed');
      },
    });
    await runJob(doomed, dying);
    expect(onDiskAtSpawn).toMatchObject({ jobs: { [doomed.job_id]: doomed.expires_at } });

    const restarted = await contextFor(stateDir);
    expect((await runJob(doomed, restarted)).result).toMatchObject({ status: 'refused', message: /^replayed: / });
    expect(spawn.calls).toEqual([]);
    expect(recordedLines(recordFile)).toEqual([]);
  });

  it('spawns nothing when the job id cannot be recorded', async () => {
    await rm(stateDir, { recursive: true, force: true });
    const outcome = await runJob(job(), context);
    expect(outcome.result).toMatchObject({ status: 'failed', message: expect.stringMatching(/^agent error: /) });
    expect(spawn.calls).toEqual([]);
  });
});

describe('launch failures', () => {
  it('reports a program that is not installed as failed, naming the path', async () => {
    const missing = path.join(stateDir, 'missing-app.exe');
    const config = { apps: { ghost: { command: missing } } };
    const ctx = await contextFor(stateDir, {
      catalog: buildCatalog(PLATFORM, {}, parseCatalogConfig(JSON.stringify(config), PLATFORM)),
    });
    const outcome = await runJob(job({ app: 'ghost' }), ctx);
    expect(outcome.result).toMatchObject({ status: 'failed', message: `not installed at ${missing}` });
    expect(outcome.line).toBe(`failed ghost (job ${outcome.result?.job_id}): not installed at ${missing}`);
  });
});

describe('arguments by kind, from the wire to the spawn', () => {
  /** A context whose "recorder" app takes arguments of the kind `allow_args` names. */
  async function kindContext(allow_args: unknown) {
    const config = { apps: { recorder: { command: recorderProgram(), args: [RECORDER, recordFile], allow_args } } };
    const catalog = buildCatalog(PLATFORM, {}, parseCatalogConfig(JSON.stringify(config), PLATFORM));
    return { context: await contextFor(stateDir, { catalog }) };
  }

  it.runIf(PLATFORM !== 'windows')(
    'passes a file inside the named folder as its real path, and spawns nothing for one outside',
    async () => {
      const root = await realpath(await tempDir());
      const docs = path.join(root, 'Documents');
      await mkdir(docs);
      const note = path.join(docs, 'note.txt');
      await writeFile(note, 'x');
      const outside = path.join(root, 'secret.txt');
      await writeFile(outside, 'x');
      const shortcut = path.join(root, 'shortcut');
      await symlink(note, shortcut);
      const { context: files } = await kindContext({ files: [docs] });

      const launched = await runJob(job({ args: [shortcut] }), files);
      await spawn.exited();
      expect(launched.result?.status).toBe('launched');
      expect(recordedLines(recordFile)).toEqual([[note]]);

      const refused = await runJob(job({ args: [outside] }), files);
      expect(refused.result).toEqual({
        job_id: expect.any(String),
        status: 'refused',
        message: `args_refused: recorder takes only absolute paths of existing files inside ${docs}`,
      });
      expect(spawn.calls).toHaveLength(1);
    },
  );

  it('passes plain words, and spawns nothing for an option', async () => {
    const { context: words } = await kindContext('words');
    const launched = await runJob(job({ args: ['quarterly report'] }), words);
    await spawn.exited();
    expect(launched.result?.status).toBe('launched');
    expect(recordedLines(recordFile)).toEqual([['quarterly report']]);

    const refused = await runJob(job({ args: ['-c'] }), words);
    expect(refused.result?.message).toMatch(/^args_refused: recorder takes only plain words/);
    expect(spawn.calls).toHaveLength(1);
  });
});
