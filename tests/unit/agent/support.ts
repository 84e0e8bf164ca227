import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AgentPlatform } from '#lib/agent-wire/protocol';
import {
  type AllowArgs,
  buildCatalog,
  type Catalog,
  CatalogConfigError,
  type CatalogEntry,
  parseCatalogConfig,
} from '../../../agent/catalog.ts';
import { agentPlatform, type CliProcess, main } from '../../../agent/cli.ts';
import type { SpawnPort } from '../../../agent/launcher.ts';
import { recorderProgram } from '../../support/recorder-program.ts';
import { FakeBroker, type FakeBrokerOptions } from './fake-broker.ts';

/** Shared helpers for the agent tests: temp dirs, the recorder program, a watched real spawn. */

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const RECORDER = path.join(ROOT, 'tests', 'fixtures', 'record-args.mjs');
export const PLATFORM = agentPlatform(process.platform);

const dirs: string[] = [];

export async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'agent-test-'));
  dirs.push(dir);
  return dir;
}

export async function removeTempDirs(): Promise<void> {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
}

const children: ChildProcess[] = [];
const brokers: FakeBroker[] = [];

/** `child`, killed at the end of the test if it is still running. */
export function killAfterTest<Child extends ChildProcess>(child: Child): Child {
  children.push(child);
  return child;
}

/** A fake broker, started now and stopped at the end of the test. */
export async function startFakeBroker(options?: FakeBrokerOptions): Promise<FakeBroker> {
  const broker = await new FakeBroker(options).start();
  brokers.push(broker);
  return broker;
}

/** For afterEach: kills the test's children still running, stops its brokers, removes its temp dirs. */
export async function cleanUpAgentTest(): Promise<void> {
  for (const child of children.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  await Promise.all(brokers.splice(0).map((broker) => broker.stop()));
  await removeTempDirs();
}

/** What the agent CLI's `main` answered and wrote, one entry a line. */
export interface CliRun {
  code: number;
  stdout: string[];
  stderr: string[];
}

/**
 * Runs the agent CLI's `main` in-process as on Linux with no environment, its output
 * captured; `extra` replaces parts of the process (home, program, runCommand...). It
 * answers with an exit code: a call to exit() fails the test.
 */
export async function runCli(argv: string[], extra: Partial<CliProcess> = {}): Promise<CliRun> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const code = await main({
    argv,
    env: {},
    platform: 'linux',
    stdout: (line) => stdout.push(line),
    stderr: (line) => stderr.push(line),
    onSignal: () => () => undefined,
    exit: () => {
      throw new Error('unexpected exit');
    },
    ...extra,
  });
  return { code, stdout, stderr };
}

/** The named entry of `catalog` (failing the test when it is missing). */
export function catalogEntry(catalog: Catalog, name: string): CatalogEntry {
  const found = catalog.find(name);
  if (found === undefined) throw new Error(`${name} is not in the catalog`);
  return found;
}

/** The problems the agent finds in `config` (a config file's JSON) for `platform`; none: []. */
export function configErrors(config: unknown, platform: AgentPlatform = 'linux'): string[] {
  try {
    buildCatalog(platform, {}, parseCatalogConfig(JSON.stringify(config), platform));
  } catch (error) {
    if (error instanceof CatalogConfigError) return error.problems;
    throw error;
  }
  return [];
}

/** A catalog whose "recorder" app is node (under another name: `recorderProgram`) running record-args.mjs into `recordFile`. */
export function recorderCatalog(recordFile: string, allowArgs: AllowArgs = 'unsafe-any'): Catalog {
  const config = {
    apps: {
      recorder: { command: recorderProgram(), args: [RECORDER, recordFile], allow_args: allowArgs },
      'url recorder': { command: recorderProgram(), args: [RECORDER, recordFile], allow_args: 'url' },
    },
  };
  return buildCatalog(PLATFORM, {}, parseCatalogConfig(JSON.stringify(config), PLATFORM));
}

/** The real node:child_process spawn, watched: every call is recorded and its exit awaitable. */
export function watchedSpawn(): SpawnPort & {
  calls: { command: string; args: string[] }[];
  exited: () => Promise<void>;
} {
  const children: ChildProcess[] = [];
  const calls: { command: string; args: string[] }[] = [];
  const port: SpawnPort = (command, args, options) => {
    calls.push({ command, args });
    const child = spawn(command, args, options);
    children.push(child);
    return child;
  };
  return Object.assign(port, {
    calls,
    /** Resolves once every spawned child has exited. */
    exited: async () => {
      await Promise.all(
        children
          // A child that never started (e.g. ENOENT) has no pid and never exits.
          .filter((child) => child.pid !== undefined && child.exitCode === null && child.signalCode === null)
          .map((child) => once(child, 'exit')),
      );
    },
  });
}

/** The argument lists the recorder wrote, one per run. */
export function recordedLines(file: string): string[][] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as string[]);
}

/** Lines written by the agent (or a child process), with a way to wait for one. */
export class Lines {
  readonly all: string[] = [];
  readonly #waiters: { pattern: RegExp; resolve: (line: string) => void }[] = [];

  push = (line: string): void => {
    this.all.push(line);
    for (const waiter of [...this.#waiters]) {
      if (waiter.pattern.test(line)) {
        this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
        waiter.resolve(line);
      }
    }
  };

  /** The first line matching `pattern`, already written or still to come. */
  waitFor(pattern: RegExp): Promise<string> {
    const seen = this.all.find((line) => pattern.test(line));
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve) => this.#waiters.push({ pattern, resolve }));
  }
}

/**
 * Waits for a detached process we cannot await (a grandchild of a child process) to
 * have written `count` records. Polls the file: there is no event to wait on.
 */
export async function waitForRecords(file: string, count: number, timeoutMs = 10_000): Promise<string[][]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const lines = recordedLines(file);
    if (lines.length >= count || Date.now() > deadline) return lines;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
