import { execFile } from 'node:child_process';
import { chmod, copyFile, mkdir, readdir, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { linuxPlan } from './linux.ts';
import { macosPlan } from './macos.ts';
import { type Command, type PlanFor, pathFor, type ServicePlan, type ServiceSettings, showCommand } from './plan.ts';
import { windowsPlan } from './windows.ts';

/** `agent install` / `agent uninstall`: carry out a service plan, saying what was done where. */

const PLANS: Record<ServiceSettings['platform'], PlanFor> = {
  linux: linuxPlan,
  macos: macosPlan,
  windows: windowsPlan,
};

export function servicePlan(settings: ServiceSettings): ServicePlan {
  return PLANS[settings.platform](settings);
}

export interface CommandResult {
  code: number;
  /** What the command printed on stderr (trimmed), for the user. */
  stderr: string;
}

/** The process port for service commands: node:child_process `execFile` (no shell) by default. */
export type CommandRunner = (command: Command) => Promise<CommandResult>;

export const runCommand: CommandRunner = (command) =>
  new Promise((resolve) => {
    execFile(command.command, command.args, { windowsHide: true }, (error, _stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 127;
      resolve({ code, stderr: (stderr || (error?.message ?? '')).trim() });
    });
  });

/** `install` found the service already there; nothing was changed. */
export class AlreadyInstalledError extends Error {
  constructor(readonly marker: string) {
    super(`already installed (${marker}); run "uninstall" first to change how it runs`);
    this.name = 'AlreadyInstalledError';
  }
}

/** The service manager did not answer before install: nothing was written. */
export class ServiceUnavailableError extends Error {
  constructor(
    readonly command: Command,
    readonly result: CommandResult,
    /** The next best ways to start at login, from the plan. */
    readonly otherWays: string[],
  ) {
    super(
      `the service manager does not answer ("${showCommand(command)}": exit ${result.code}` +
        `${result.stderr ? `, ${result.stderr}` : ''}), so nothing was installed and nothing written`,
    );
    this.name = 'ServiceUnavailableError';
  }
}

/** A service command failed; install has removed what it wrote. */
export class ServiceCommandError extends Error {
  constructor(
    readonly command: Command,
    readonly result: CommandResult,
  ) {
    super(`"${showCommand(command)}" failed (exit ${result.code})${result.stderr ? `: ${result.stderr}` : ''}`);
    this.name = 'ServiceCommandError';
  }
}

/**
 * Where a plan's path is on this computer's file system: itself, except in tests that
 * render another platform's paths (`C:\\Users\\...`) into a temporary directory.
 */
export type FsPath = (file: string) => string;
const samePath: FsPath = (file) => file;

/** What carrying out a plan talks to: where its lines go, how commands run, where paths are. */
export interface ServiceHost {
  say: (line: string) => void;
  run?: CommandRunner | undefined;
  fsPath?: FsPath | undefined;
}

export async function isInstalled(plan: ServicePlan, fsPath: FsPath = samePath): Promise<boolean> {
  return exists(fsPath(plan.marker));
}

/**
 * Checks that the service manager answers, writes the plan's files and runs its start
 * commands; `say` gets one line per step. Refuses (AlreadyInstalledError) if the service
 * is already installed, and writes nothing if the manager does not answer
 * (ServiceUnavailableError). If writing or starting fails, what was done is undone
 * before the error is thrown: a failed install leaves nothing that `status` or a second
 * `install` would take for a service.
 */
export async function installService(plan: ServicePlan, host: ServiceHost): Promise<void> {
  const { say, run = runCommand, fsPath = samePath } = host;
  if (await isInstalled(plan, fsPath)) throw new AlreadyInstalledError(plan.marker);
  for (const command of plan.preflight) {
    const result = await run(command);
    if (result.code !== 0) throw new ServiceUnavailableError(command, result, plan.otherWays);
  }
  const p = pathFor(plan.platform);
  const written: string[] = [];
  const createdDirs: string[] = [];
  try {
    for (const file of plan.files) {
      const target = fsPath(file.path);
      const created = await mkdir(fsPath(p.dirname(file.path)), { recursive: true });
      if (created !== undefined) createdDirs.push(created);
      written.push(file.path);
      if (file.copyFrom !== undefined) await copyFile(fsPath(file.copyFrom), target);
      else await writeFile(target, file.content ?? '');
      if (file.mode !== undefined && plan.platform !== 'windows') await chmod(target, file.mode);
      say(`Wrote ${file.path}${file.copyFrom === undefined ? '' : ` (a copy of ${file.copyFrom})`}`);
    }
    for (const command of plan.start) await runChecked(command, run, say);
  } catch (error) {
    await undoInstall(plan, written, createdDirs, { say, run, fsPath });
    throw error;
  }
  say(`It runs: ${plan.commandLine.map((arg) => (/[\s"]/.test(arg) ? JSON.stringify(arg) : arg)).join(' ')}`);
  for (const note of plan.notes) say(note);
}

/**
 * Stops and unregisters the service and removes the plan's files (never the state
 * directory: keys and pairing stay). Returns false if it was not installed.
 */
export async function uninstallService(plan: ServicePlan, host: ServiceHost): Promise<boolean> {
  const { say, run = runCommand, fsPath = samePath } = host;
  if (!(await isInstalled(plan, fsPath))) return false;
  for (const command of plan.stop) {
    // Already stopped or never started is fine: removal goes on.
    const result = await run(command);
    say(`Ran ${showCommand(command)}${result.code === 0 ? '' : ` (exit ${result.code}, going on)`}`);
  }
  for (const file of [...plan.files].reverse()) {
    if (!(await exists(fsPath(file.path)))) continue;
    await rm(fsPath(file.path), { force: true });
    say(`Removed ${file.path}`);
  }
  // The program's own directory, if now empty (rmdir refuses a directory that is not).
  const program = plan.files.find((file) => file.copyFrom !== undefined);
  if (program !== undefined) await rmdir(fsPath(pathFor(plan.platform).dirname(program.path))).catch(() => undefined);
  for (const command of plan.afterRemove) {
    // The files are gone; a manager that cannot be reached will not load them again.
    const result = await run(command);
    say(`Ran ${showCommand(command)}${result.code === 0 ? '' : ` (exit ${result.code})`}`);
  }
  return true;
}

/**
 * Takes back a partial install: unregisters (a failed `enable --now` may have left its
 * links), removes the files written and the directories made for them, newest first.
 */
async function undoInstall(
  plan: ServicePlan,
  written: string[],
  createdDirs: string[],
  host: { say: (line: string) => void; run: CommandRunner; fsPath: FsPath },
): Promise<void> {
  for (const command of [...plan.stop, ...plan.afterRemove]) await host.run(command);
  for (const file of written.reverse()) {
    await rm(host.fsPath(file), { force: true });
    host.say(`Removed ${file} (install did not finish)`);
  }
  // mkdir -p answers the first directory it made; remove it and what is below it, if empty.
  for (const dir of createdDirs.reverse()) await removeEmptyTree(dir);
}

/** Removes `dir` and its subdirectories if no file is anywhere inside (never a file). */
async function removeEmptyTree(dir: string): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => undefined);
  if (entries === undefined) return;
  for (const entry of entries) if (entry.isDirectory()) await removeEmptyTree(path.join(dir, entry.name));
  await rmdir(dir).catch(() => undefined);
}

async function runChecked(command: Command, run: CommandRunner, say: (line: string) => void): Promise<void> {
  const result = await run(command);
  if (result.code !== 0) throw new ServiceCommandError(command, result);
  say(`Ran ${showCommand(command)}`);
}

async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch {
    return false;
  }
}
