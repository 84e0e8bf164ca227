import path from 'node:path';
import type { AgentPlatform } from '#lib/agent-wire/protocol';
import { HIDDEN_CHARACTERS } from '#lib/agent-wire/visible-text';
import * as z from '#lib/zod';
import {
  type AllowArgs,
  AllowArgsConfig,
  type ArgsCheck,
  checkFileArgs,
  folderProblems,
  inspectsProgram,
  isPlainWord,
  legacyTrueRefusal,
  UNSAFE_ANY,
} from './argument-kinds.ts';
import { argumentRunner, hasShortName, isUncPath, programName } from './argument-runners.ts';
import { type Inspection, type InspectPort, inspectExecutable, NATIVE_FORMAT } from './executable.ts';

/**
 * The agent's own list of what it may launch: friendly names mapped to an absolute
 * executable, a macOS bundle id or a Linux desktop id, each with its argument rule. The
 * broker only ever sends a name and arguments; nothing here comes from the network.
 */

export type { AllowArgs, ArgsCheck };

export type LaunchTarget =
  /** Absolute executables, tried in order: the first one that exists is run. */
  | { kind: 'exec'; paths: string[] }
  /** macOS: `/usr/bin/open -b <bundle id>`. */
  | { kind: 'bundle'; bundleId: string }
  /** Linux: `/usr/bin/gtk-launch <desktop id>`. */
  | { kind: 'desktop'; desktopId: string };

export interface CatalogEntry {
  name: string;
  aliases: string[];
  target: LaunchTarget;
  fixedArgs: string[];
  allowArgs: AllowArgs;
  /**
   * Set when the config asked for arguments in a form no longer accepted (the old
   * `allow_args: true`): the entry takes none, and this says why and how to migrate.
   */
  argsRefusal?: string | undefined;
  source: 'built-in' | 'config';
}

/** A concrete command line: run `command` with `args`, no shell. */
export interface LaunchPlan {
  command: string;
  args: string[];
}

export type Env = Readonly<Record<string, string | undefined>>;

export const OPEN_COMMAND = '/usr/bin/open';
export const GTK_LAUNCH_COMMAND = '/usr/bin/gtk-launch';

/** Caller arguments beyond these limits are refused whatever the entry allows. */
export const MAX_ARGS = 32;
export const MAX_ARG_LENGTH = 2_048;

/** Names match case-insensitively, ignoring spaces, dots, dashes and underscores. */
export function normalizeName(name: string): string {
  return name
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s._-]+/g, '');
}

export class Catalog {
  readonly entries: readonly CatalogEntry[];
  /** Whose executables these are: decides which file format is a native program. */
  readonly platform: AgentPlatform;
  readonly #byName = new Map<string, CatalogEntry>();

  constructor(entries: readonly CatalogEntry[], platform: AgentPlatform) {
    this.entries = entries;
    this.platform = platform;
    for (const entry of entries) {
      for (const name of [entry.name, ...entry.aliases]) {
        const key = normalizeName(name);
        const holder = this.#byName.get(key);
        if (holder !== undefined && holder !== entry) {
          throw new CatalogConfigError([`apps.${entry.name}: the name "${name}" is also used by "${holder.name}"`]);
        }
        this.#byName.set(key, entry);
      }
    }
  }

  find(name: string): CatalogEntry | undefined {
    return this.#byName.get(normalizeName(name));
  }
}

// ---------------------------------------------------------------------------------------
// Built-in catalogs

interface BuiltIn {
  name: string;
  aliases: string[];
  target: LaunchTarget;
  allowArgs: AllowArgs;
}

/** The original's apps for each platform, with paths resolved from `env`. */
export function builtInEntries(platform: AgentPlatform, env: Env): CatalogEntry[] {
  const list = platform === 'windows' ? windowsApps(env) : platform === 'macos' ? macApps() : linuxApps();
  return list.map((app) => ({ ...app, fixedArgs: [], source: 'built-in' as const }));
}

function windowsApps(env: Env): BuiltIn[] {
  const systemRoot = envPath(env, 'SystemRoot') ?? 'C:\\Windows';
  const programFiles = envPath(env, 'ProgramFiles') ?? 'C:\\Program Files';
  const programFilesX86 = envPath(env, 'ProgramFiles(x86)') ?? 'C:\\Program Files (x86)';
  const localAppData = envPath(env, 'LOCALAPPDATA');
  const win = path.win32.join;
  const under = (roots: (string | undefined)[], ...rest: string[]) =>
    roots.filter((root): root is string => root !== undefined).map((root) => win(root, ...rest));
  const exec = (...paths: string[]): LaunchTarget => ({ kind: 'exec', paths });
  return [
    {
      name: 'notepad',
      aliases: ['Notepad'],
      target: exec(win(systemRoot, 'System32', 'notepad.exe')),
      allowArgs: false,
    },
    { name: 'calc', aliases: ['calculator'], target: exec(win(systemRoot, 'System32', 'calc.exe')), allowArgs: false },
    {
      name: 'chrome',
      aliases: ['Google Chrome'],
      target: exec(
        ...under([programFiles, programFilesX86, localAppData], 'Google', 'Chrome', 'Application', 'chrome.exe'),
      ),
      allowArgs: 'url',
    },
    {
      name: 'edge',
      aliases: ['Microsoft Edge', 'msedge'],
      target: exec(...under([programFilesX86, programFiles], 'Microsoft', 'Edge', 'Application', 'msedge.exe')),
      allowArgs: 'url',
    },
    {
      name: 'firefox',
      aliases: ['Mozilla Firefox'],
      target: exec(...under([programFiles, programFilesX86], 'Mozilla Firefox', 'firefox.exe')),
      allowArgs: 'url',
    },
    {
      name: 'vscode',
      aliases: ['VS Code', 'code', 'Visual Studio Code'],
      target: exec(
        ...under([localAppData], 'Programs', 'Microsoft VS Code', 'Code.exe'),
        ...under([programFiles], 'Microsoft VS Code', 'Code.exe'),
      ),
      allowArgs: false,
    },
    {
      name: 'excel',
      aliases: ['Microsoft Excel'],
      target: exec(...under([programFiles, programFilesX86], 'Microsoft Office', 'root', 'Office16', 'EXCEL.EXE')),
      allowArgs: false,
    },
    {
      name: 'word',
      aliases: ['Microsoft Word', 'winword'],
      target: exec(...under([programFiles, programFilesX86], 'Microsoft Office', 'root', 'Office16', 'WINWORD.EXE')),
      allowArgs: false,
    },
  ];
}

function macApps(): BuiltIn[] {
  const bundle = (bundleId: string): LaunchTarget => ({ kind: 'bundle', bundleId });
  return [
    { name: 'safari', aliases: ['Safari'], target: bundle('com.apple.Safari'), allowArgs: 'url' },
    { name: 'chrome', aliases: ['Google Chrome'], target: bundle('com.google.Chrome'), allowArgs: 'url' },
    { name: 'firefox', aliases: ['Mozilla Firefox'], target: bundle('org.mozilla.firefox'), allowArgs: 'url' },
    { name: 'textedit', aliases: ['TextEdit'], target: bundle('com.apple.TextEdit'), allowArgs: false },
    { name: 'calculator', aliases: ['calc'], target: bundle('com.apple.calculator'), allowArgs: false },
    {
      name: 'vscode',
      aliases: ['VS Code', 'code', 'Visual Studio Code'],
      target: bundle('com.microsoft.VSCode'),
      allowArgs: false,
    },
    // No Terminal: a terminal that takes arguments is a shell.
  ];
}

function linuxApps(): BuiltIn[] {
  const exec = (...paths: string[]): LaunchTarget => ({ kind: 'exec', paths });
  return [
    {
      name: 'firefox',
      aliases: ['Mozilla Firefox'],
      target: exec('/usr/bin/firefox', '/snap/bin/firefox'),
      allowArgs: 'url',
    },
    {
      name: 'chrome',
      aliases: ['Google Chrome', 'google-chrome'],
      target: exec('/usr/bin/google-chrome', '/usr/bin/google-chrome-stable', '/opt/google/chrome/google-chrome'),
      allowArgs: 'url',
    },
    {
      name: 'chromium',
      aliases: ['chromium-browser'],
      target: exec('/usr/bin/chromium', '/usr/bin/chromium-browser', '/snap/bin/chromium'),
      allowArgs: 'url',
    },
    { name: 'gedit', aliases: ['text editor'], target: exec('/usr/bin/gedit'), allowArgs: false },
    { name: 'nautilus', aliases: ['files', 'file manager'], target: exec('/usr/bin/nautilus'), allowArgs: false },
    {
      name: 'vscode',
      aliases: ['VS Code', 'code', 'Visual Studio Code'],
      target: exec('/usr/bin/code', '/snap/bin/code'),
      allowArgs: false,
    },
    {
      name: 'calculator',
      aliases: ['gnome-calculator', 'calc'],
      target: exec('/usr/bin/gnome-calculator', '/snap/bin/gnome-calculator'),
      allowArgs: false,
    },
  ];
}

/** Windows environment names are case-insensitive; only absolute values are trusted. */
function envPath(env: Env, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(env)) {
    if (key.toLowerCase() === wanted && value !== undefined && path.win32.isAbsolute(value)) return value;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------
// The user's config file

export class CatalogConfigError extends Error {
  readonly problems: string[];

  constructor(problems: string[], source = 'agent config') {
    super(`Invalid ${source}:\n  ${problems.join('\n  ')}`);
    this.name = 'CatalogConfigError';
    this.problems = problems;
  }
}

/**
 * Scripts run through an interpreter that re-parses arguments (on Windows, Node runs
 * `.bat`/`.cmd` through cmd.exe whatever `shell` says): never launchable.
 */
const SCRIPT_EXTENSIONS = new Set([
  '.bat',
  '.cmd',
  '.ps1',
  '.psm1',
  '.vbs',
  '.vbe',
  '.js',
  '.jse',
  '.wsf',
  '.wsh',
  '.hta',
  '.msc',
  '.sh',
  '.bash',
  '.zsh',
  '.fish',
  '.command',
]);

const APP_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/;
const Name = z.string().check(z.trim(), z.minLength(1), z.maxLength(100));

function entrySchema(platform: AgentPlatform) {
  return z
    .strictObject({
      command: z.optional(z.string().check(z.minLength(1), z.maxLength(4_096))),
      bundle_id: z.optional(z.string().check(z.regex(APP_ID, 'must look like com.example.App'))),
      desktop_id: z.optional(z.string().check(z.regex(APP_ID, 'must look like org.example.App'))),
      args: z.optional(z.array(z.string().check(z.maxLength(MAX_ARG_LENGTH))).check(z.maxLength(MAX_ARGS))),
      allow_args: z.optional(AllowArgsConfig),
      aliases: z.optional(z.array(Name).check(z.maxLength(20))),
    })
    .check(
      z.superRefine((entry, ctx) => {
        const kinds = [entry.command, entry.bundle_id, entry.desktop_id].filter((value) => value !== undefined);
        if (kinds.length !== 1) {
          ctx.addIssue({ code: 'custom', message: 'needs exactly one of "command", "bundle_id", "desktop_id"' });
          return;
        }
        const allowArgs = kindOf(entry.allow_args);
        if (entry.command !== undefined) {
          for (const message of commandProblems(entry.command, platform, allowArgs)) {
            ctx.addIssue({ code: 'custom', path: ['command'], message });
          }
        }
        if (typeof allowArgs === 'object') {
          for (const message of folderProblems(allowArgs.files, platform === 'windows' ? path.win32 : path.posix)) {
            ctx.addIssue({ code: 'custom', path: ['allow_args', 'files'], message });
          }
        }
        if (entry.bundle_id !== undefined && platform !== 'macos') {
          ctx.addIssue({ code: 'custom', path: ['bundle_id'], message: 'bundle_id entries work only on macOS' });
        }
        // No file to read behind a bundle id: its last part is the app's name (com.apple.Terminal).
        const app = entry.bundle_id?.split('.').pop();
        const runner =
          app === undefined || allowArgs === false ? undefined : argumentRunner(app, runnerRule(allowArgs));
        if (runner !== undefined) {
          ctx.addIssue({
            code: 'custom',
            path: ['allow_args'],
            message: `${entry.bundle_id} may not take caller arguments: ${runner.why}`,
          });
        }
        if (entry.desktop_id !== undefined) {
          if (platform !== 'linux') {
            ctx.addIssue({ code: 'custom', path: ['desktop_id'], message: 'desktop_id entries work only on Linux' });
          }
          if (entry.args !== undefined && entry.args.length > 0) {
            ctx.addIssue({ code: 'custom', path: ['args'], message: 'gtk-launch passes no fixed arguments' });
          }
          if (allowArgs !== false && allowArgs !== 'url') {
            ctx.addIssue({ code: 'custom', path: ['allow_args'], message: 'desktop_id entries take false or "url"' });
          }
        }
        for (const [index, arg] of (entry.args ?? []).entries()) {
          if (arg.includes('\0')) ctx.addIssue({ code: 'custom', path: ['args', index], message: 'contains a NUL' });
        }
      }),
    );
}

function commandProblems(command: string, platform: AgentPlatform, allowArgs: AllowArgs): string[] {
  const problems: string[] = [];
  const p = platform === 'windows' ? path.win32 : path.posix;
  if (!p.isAbsolute(command) || (platform === 'windows' && !/^[A-Za-z]:\\/.test(command))) {
    problems.push(
      platform === 'windows' && isUncPath(command)
        ? 'must be on a local drive, not a network or device path (\\\\server\\share, \\\\?\\)'
        : `must be an absolute path (got "${command}")`,
    );
  }
  if (command.includes('\0')) problems.push('contains a NUL');
  // Windows ignores trailing dots and spaces ("x.bat. " runs x.bat); a colon after the
  // drive would name an alternate data stream.
  const base = p
    .basename(command)
    .replace(/[. ]+$/, '')
    .toLowerCase();
  const extension = p.extname(base);
  if (SCRIPT_EXTENSIONS.has(extension)) {
    problems.push(`must be a program, not a ${extension} script (scripts re-parse their arguments)`);
  } else if (platform === 'windows') {
    if (command.slice(2).includes(':')) problems.push('must not name an alternate data stream');
    if (extension !== '.exe' && extension !== '.com') problems.push('must be an .exe on Windows');
  }
  if (allowArgs === false) return problems;
  if (platform === 'windows' && hasShortName(command)) {
    problems.push('must use long names, not 8.3 short names like PROGRA~1 (they hide which program it is)');
  }
  const runner = argumentRunner(command, runnerRule(allowArgs));
  if (runner !== undefined) {
    problems.push(`"${programName(command)}" may not take caller arguments (allow_args): ${runner.why}`);
  }
  return problems;
}

/** The kind an entry's `allow_args` declares; the old `true` declares none (see `legacyTrueRefusal`). */
function kindOf(allowArgs: AllowArgsConfig | undefined): AllowArgs {
  return allowArgs === undefined || allowArgs === true ? false : allowArgs;
}

/** Browsers may take URLs; no runner takes any other kind. */
function runnerRule(allowArgs: AllowArgs): true | 'url' {
  return allowArgs === 'url' ? 'url' : true;
}

function configSchema(platform: AgentPlatform) {
  return z.strictObject({
    apps: z.optional(z.record(Name, z.nullable(entrySchema(platform)))),
    only: z.optional(z.array(Name)),
  });
}

export type CatalogConfig = z.infer<ReturnType<typeof configSchema>>;

/** Parses and validates the config file's text; throws `CatalogConfigError` listing every problem. */
export function parseCatalogConfig(text: string, platform: AgentPlatform, source = 'agent config'): CatalogConfig {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new CatalogConfigError([`not valid JSON: ${(error as Error).message}`], source);
  }
  const result = configSchema(platform).safeParse(json);
  if (!result.success) {
    throw new CatalogConfigError(
      result.error.issues.map((issue) => `${issue.path.map(String).join('.') || '(top level)'}: ${issue.message}`),
      source,
    );
  }
  return result.data;
}

/**
 * The built-ins for `platform`, extended or narrowed by `config`: an entry replaces the
 * built-in of the same name (or alias), `null` removes one, `only` keeps just the named.
 */
export function buildCatalog(platform: AgentPlatform, env: Env, config: CatalogConfig = {}): Catalog {
  const entries = builtInEntries(platform, env);
  const indexOf = (name: string) =>
    entries.findIndex((entry) =>
      [entry.name, ...entry.aliases].some((known) => normalizeName(known) === normalizeName(name)),
    );
  for (const [name, value] of Object.entries(config.apps ?? {})) {
    const existing = indexOf(name);
    const replaced = existing >= 0 ? entries.splice(existing, 1)[0] : undefined;
    if (value === null) continue;
    const inherited = replaced === undefined ? [] : [replaced.name, ...replaced.aliases];
    const target: LaunchTarget =
      value.command !== undefined
        ? { kind: 'exec', paths: [value.command] }
        : value.bundle_id !== undefined
          ? { kind: 'bundle', bundleId: value.bundle_id }
          : { kind: 'desktop', desktopId: value.desktop_id ?? '' };
    const aliases = [...inherited, ...(value.aliases ?? [])].filter(
      (alias, index, all) =>
        normalizeName(alias) !== normalizeName(name) &&
        all.findIndex((other) => normalizeName(other) === normalizeName(alias)) === index,
    );
    entries.push({
      name,
      aliases,
      target,
      fixedArgs: value.args ?? [],
      allowArgs: kindOf(value.allow_args),
      argsRefusal: value.allow_args === true ? legacyTrueRefusal(name) : undefined,
      source: 'config',
    });
  }
  if (config.only === undefined) return new Catalog(entries, platform);
  const full = new Catalog(entries, platform);
  const kept = new Set<CatalogEntry>();
  const problems: string[] = [];
  for (const name of config.only) {
    const entry = full.find(name);
    if (entry === undefined) problems.push(`only: "${name}" is not in the catalog`);
    else kept.add(entry);
  }
  if (problems.length > 0) throw new CatalogConfigError(problems);
  return new Catalog(
    entries.filter((entry) => kept.has(entry)),
    platform,
  );
}

// ---------------------------------------------------------------------------------------
// Arguments and command lines

/**
 * Whether `entry` accepts these caller arguments by their text, and the arguments to
 * pass: URL arguments as the WHATWG URL parser serialises them (what the browser will
 * load). File arguments are checked against the disk by {@link checkArgsOnDisk} after this.
 */
export function checkArgs(entry: CatalogEntry, args: readonly string[]): ArgsCheck {
  if (args.length === 0) return { ok: true, args: [] };
  if (entry.argsRefusal !== undefined) return { ok: false, message: entry.argsRefusal };
  if (entry.allowArgs === false) return { ok: false, message: `${entry.name} takes no arguments` };
  if (args.length > MAX_ARGS) return { ok: false, message: `at most ${MAX_ARGS} arguments` };
  const passed: string[] = [];
  for (const arg of args) {
    if (arg.length > MAX_ARG_LENGTH) return { ok: false, message: `an argument is longer than ${MAX_ARG_LENGTH}` };
    if (arg.includes('\0')) return { ok: false, message: 'an argument contains a NUL character' };
    if (entry.allowArgs === 'words' && !isPlainWord(arg)) {
      return {
        ok: false,
        message: `${entry.name} takes only plain words (letters, digits, spaces and . , _ ' -, starting with a letter or digit)`,
      };
    }
    if (entry.allowArgs !== 'url') {
      passed.push(arg);
      continue;
    }
    const url = normalizeWebUrl(arg);
    if (url === undefined) return { ok: false, message: `${entry.name} takes only http(s) URLs as arguments` };
    if (url.length > MAX_ARG_LENGTH) return { ok: false, message: `an argument is longer than ${MAX_ARG_LENGTH}` };
    passed.push(url);
  }
  return { ok: true, args: passed };
}

/** For a `files` entry: each argument an existing file inside its folders, as its real path; others pass as they are. */
export function checkArgsOnDisk(entry: CatalogEntry, args: string[]): Promise<ArgsCheck> {
  const kind = entry.allowArgs;
  if (typeof kind !== 'object' || args.length === 0) return Promise.resolve({ ok: true, args });
  return checkFileArgs(entry.name, args, kind.files);
}

/** Lines the agent prints at every start about entries whose arguments need the user's eye. */
export function argumentWarnings(catalog: Catalog): string[] {
  const lines: string[] = [];
  for (const entry of catalog.entries) {
    if (entry.argsRefusal !== undefined) lines.push(`Warning: ${entry.argsRefusal}`);
    if (entry.allowArgs === UNSAFE_ANY) {
      lines.push(
        `WARNING: apps.${entry.name} takes ANY arguments ChatGPT sends, unchecked (allow_args "${UNSAFE_ANY}"): ` +
          'a mail or web page that talks ChatGPT into a launch chooses them',
      );
    }
  }
  return lines;
}

/**
 * An http: or https: URL, serialised by the WHATWG URL parser; `undefined` for anything
 * else, and for text holding a character of {@link HIDDEN_CHARACTERS} or whitespace,
 * written or percent-encoded (a browser shows `%E2%80%AE` decoded).
 */
export function normalizeWebUrl(text: string): string | undefined {
  if (!/^https?:\/\//i.test(text) || /\s/u.test(text) || HIDDEN_CHARACTERS.test(text)) return undefined;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  const href = url.href;
  let decoded: string;
  try {
    decoded = decodeURIComponent(href);
  } catch {
    // Not UTF-8 once decoded: no hidden character can be spelt that way.
    decoded = href;
  }
  if (HIDDEN_CHARACTERS.test(decoded) || /\s/u.test(decoded)) return undefined;
  return href;
}

/** Whether `text` is an http(s) URL `normalizeWebUrl` accepts. */
export function isWebUrl(text: string): boolean {
  return normalizeWebUrl(text) !== undefined;
}

// ---------------------------------------------------------------------------------------
// What an entry that takes any arguments runs, told by content

/**
 * Why the program at `command` of an entry taking words, files or anything may not take caller arguments,
 * or `undefined`: the file (links resolved) must be a native executable of the platform
 * (not a `#!` script, not a format a helper runs) whose real name is not an
 * {@link ARGUMENT_RUNNERS} name. A file that cannot be read is refused: unchecked is no.
 */
export async function argumentTargetProblem(
  command: string,
  platform: AgentPlatform,
  inspect: InspectPort = inspectExecutable,
): Promise<string | undefined> {
  let inspection: Inspection;
  try {
    inspection = await inspect(command);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    return `${command} cannot be inspected (${code}); an entry taking arguments needs a program the agent can read`;
  }
  const { realPath, format } = inspection;
  const shown = realPath === command ? command : `${command} (which is ${realPath})`;
  const runner = argumentRunner(realPath);
  if (runner !== undefined) return `${shown} may not take caller arguments (allow_args): ${runner.why}`;
  if (format === 'script') {
    return `${shown} is a script for ${inspection.interpreter || 'an interpreter'}: an interpreter may not take caller arguments`;
  }
  if (format !== NATIVE_FORMAT[platform]) {
    return `${shown} is not a native ${platform} program (a helper would run it): it may not take caller arguments`;
  }
  return undefined;
}

/**
 * Checks by content every program of `catalog` that takes words, files or anything; throws
 * `CatalogConfigError` listing each refused one.
 */
export async function checkArgumentTargets(catalog: Catalog, inspect: InspectPort = inspectExecutable): Promise<void> {
  const problems: string[] = [];
  for (const entry of catalog.entries) {
    if (!inspectsProgram(entry.allowArgs) || entry.target.kind !== 'exec') continue;
    for (const command of entry.target.paths) {
      const problem = await argumentTargetProblem(command, catalog.platform, inspect);
      if (problem !== undefined) problems.push(`apps.${entry.name}.command: ${problem}`);
    }
  }
  if (problems.length > 0) throw new CatalogConfigError(problems);
}

/**
 * The command line for an entry and already-checked caller arguments. For `exec` entries
 * the first path for which `fileExists` holds is used (else the first, which then fails
 * with "not installed").
 */
export function planLaunch(
  entry: CatalogEntry,
  args: readonly string[],
  fileExists: (file: string) => boolean,
): LaunchPlan {
  const target = entry.target;
  switch (target.kind) {
    case 'exec': {
      const command = target.paths.find(fileExists) ?? target.paths[0] ?? '';
      return { command, args: [...entry.fixedArgs, ...args] };
    }
    case 'bundle': {
      // URLs go to `open` as documents for the app; anything else after `--args` to the app.
      const documents = entry.allowArgs === 'url' ? [...args] : [];
      const appArgs = [...entry.fixedArgs, ...(entry.allowArgs === 'url' ? [] : args)];
      return {
        command: OPEN_COMMAND,
        args: ['-b', target.bundleId, ...documents, ...(appArgs.length > 0 ? ['--args', ...appArgs] : [])],
      };
    }
    case 'desktop':
      return { command: GTK_LAUNCH_COMMAND, args: [target.desktopId, ...args] };
  }
}

/** Where an entry would run from, for messages. */
export function describeTarget(target: LaunchTarget): string {
  switch (target.kind) {
    case 'exec':
      return target.paths.join(' or ');
    case 'bundle':
      return `bundle ${target.bundleId}`;
    case 'desktop':
      return `desktop entry ${target.desktopId}`;
  }
}
