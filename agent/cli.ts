import { readFile } from 'node:fs/promises';
import { homedir, hostname } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import {
  AGENT_NAME_CHARACTER,
  AGENT_NAME_MAX,
  AGENT_PATHS,
  AGENT_PROGRAM,
  AgentName,
  type AgentPlatform,
} from '#lib/agent-wire/protocol';
import { HIDDEN_CHARACTERS } from '#lib/agent-wire/visible-text';
import packageJson from '../package.json' with { type: 'json' };
import { describeAllowArgs, UNSAFE_ANY } from './argument-kinds.ts';
import {
  argumentWarnings,
  buildCatalog,
  builtInEntries,
  type Catalog,
  CatalogConfigError,
  checkArgumentTargets,
  describeTarget,
  type Env,
  parseCatalogConfig,
} from './catalog.ts';
import { openLogFile } from './log-file.ts';
import { BrokerKeyChangedError, RegistrationRefusedError, runAgent, type Transport } from './loop.ts';
import { checkRegisteredName } from './registered-name.ts';
import { installCommand, statusCommand, uninstallCommand } from './service/commands.ts';
import type { CommandRunner } from './service/install.ts';
import type { AgentProgram } from './service/plan.ts';
import { StateError } from './state.ts';
import { processIsRunning } from './status.ts';
import { StatusWriter } from './status-file.ts';

/** The agent's command line: flags, usage text, exit codes, signal handling. */

export const VERSION: string = packageJson.version;

export const EXIT = {
  ok: 0,
  error: 1,
  usage: 2,
  config: 3,
  state: 4,
  /** install: already installed; uninstall: nothing installed. */
  service: 5,
  /** status: not running, not connected or not paired. */
  notRunning: 6,
  forced: 130,
} as const;

/** The subcommands besides running the agent. */
export const COMMANDS = ['run', 'install', 'uninstall', 'status'] as const;
export type CommandName = (typeof COMMANDS)[number];

export const DEFAULT_BROKER = 'http://localhost:3000';

export function agentPlatform(platform: NodeJS.Platform): AgentPlatform {
  if (platform === 'win32') return 'windows';
  if (platform === 'darwin') return 'macos';
  return 'linux';
}

/** %APPDATA%, ~/Library/Application Support, or $XDG_STATE_HOME (~/.local/state), + our name. */
export function defaultStateDir(platform: AgentPlatform, env: Env, home: string): string {
  if (platform === 'windows') {
    const appData = env.APPDATA;
    return path.win32.join(
      appData !== undefined && path.win32.isAbsolute(appData) ? appData : path.win32.join(home, 'AppData', 'Roaming'),
      AGENT_PROGRAM,
    );
  }
  if (platform === 'macos') return path.posix.join(home, 'Library', 'Application Support', AGENT_PROGRAM);
  const xdg = env.XDG_STATE_HOME;
  // The XDG spec says to ignore a relative value.
  const base = xdg !== undefined && path.posix.isAbsolute(xdg) ? xdg : path.posix.join(home, '.local', 'state');
  return path.posix.join(base, AGENT_PROGRAM);
}

/** Each option's lines in the usage texts, written once for the full text and each command's. */
function optionLines(platform: AgentPlatform, env: Env, home: string) {
  return {
    broker: `  --broker URL       Broker base URL (default: ${DEFAULT_BROKER})`,
    config: '  --config FILE      JSON file that extends or narrows the app catalog (below)',
    stateDir: `  --state-dir DIR    A directory of its own for keys, pairing and seen job ids
                     (default: ${defaultStateDir(platform, env, home)})`,
    name: `  --name NAME        Name for this computer when pairing, at most ${AGENT_NAME_MAX}
                     characters (default: the host name, cut to fit); set at
                     registration: to change it later, --reset and pair again`,
    help: '  -h, --help         Show this help',
  };
}

/** The help of one subcommand: what it does, the options it reads, its exit codes. */
const COMMAND_HELP: Record<
  Exclude<CommandName, 'run'>,
  { summary: string; options: Exclude<keyof ReturnType<typeof optionLines>, 'help'>[]; exits: string }
> = {
  install: {
    summary: `Installs the agent as a per-user service that starts now and at every login
(a systemd user unit on Linux, a LaunchAgent on macOS, a logon task on Windows;
no admin rights), running with the options given here. It first checks that the
service manager answers (on Linux, systemctl --user); where it does not, it
writes nothing and prints other ways to start the agent at login. If a later
step fails, what it wrote is removed again.`,
    options: ['broker', 'config', 'stateDir', 'name'],
    exits: `  0    installed
  1    the service manager does not answer, or one of its commands failed
       (nothing is left behind)
  2    bad command line
  5    already installed ("uninstall" first to change how it runs)`,
  },
  uninstall: {
    summary: `Stops and removes the service "install" made. The state directory (keys,
pairing) is kept; run the agent with --reset to pair again from scratch.`,
    options: ['stateDir'],
    exits: `  0    removed
  1    a service command failed
  2    bad command line
  5    not installed`,
  },
  status: {
    summary: `Shows the broker, the pairing, the connection, the catalog size, the last job,
and whether the service is installed, from the state directory.`,
    options: ['broker', 'stateDir'],
    exits: `  0    running, connected and paired
  2    bad command line
  6    not running, not connected or not paired`,
  },
};

/** `<command> --help`: that command's own text; `run` (or none) has the full one. */
export function commandUsage(command: CommandName, platform: AgentPlatform, env: Env, home: string): string {
  if (command === 'run') return usage(platform, env, home);
  const help = COMMAND_HELP[command];
  const options = optionLines(platform, env, home);
  const lines = help.options.map((option) => options[option]);
  return `Usage: ${AGENT_PROGRAM} ${command} [options]

${help.summary}

Options:
${[...lines, options.help].join('\n')}

Exit codes:
${help.exits}
`;
}

export function usage(platform: AgentPlatform, env: Env, home: string): string {
  const options = optionLines(platform, env, home);
  const builtIns = builtInEntries(platform, env)
    .map((entry) => entry.name)
    .join(', ');
  return `Usage: ${AGENT_PROGRAM} [command] [options]

Commands:
  run (default)      Run the agent in this terminal
  install            Install it as a per-user service that starts at login
                     (systemd user unit / LaunchAgent / logon task; no admin),
                     with the --broker, --config, --state-dir and --name given
  uninstall          Stop and remove that service (keeps the state directory)
  status             Show the broker, pairing, connection, catalog size, last
                     job, and whether the service is installed

Runs on your own computer and starts apps when you ask ChatGPT to, through the
chatgpt-broker. It holds a WebSocket to the broker, which pushes jobs it signed;
it checks each one (signature, addressee, expiry, never twice, catalog,
arguments) and starts only apps from its own catalog below, without a shell.

On first start it registers and prints one line "Pairing code: <CODE>". Say
"pair my computer, code <CODE>" to ChatGPT (or POST ${AGENT_PATHS.pair} {"code":
"<CODE>"} with your Google token) before the code expires.

Options:
${options.broker}
${options.config}
${options.stateDir}
${options.name}
  --transport MODE   auto (default): hold the broker's WebSocket, and poll over
                     HTTP only while it cannot be held; socket: never poll once
                     paired; poll: never open the WebSocket (proxies that block it)
  --once             Handle at most one job, then exit
  --reset            Forget the registration and pinned broker key, pair again
  --list-apps        Print the app catalog (with --config applied) and exit
${options.help} (each command has its own: install --help)
  -v, --version      Show the version

Config file (JSON):
  {
    "apps": {
      "notes":   {"command": "/usr/bin/gedit", "args": ["--new-window"]},
      "browser": {"command": "/usr/bin/firefox", "allow_args": "url",
                  "aliases": ["web browser"]},
      "mail":    {"bundle_id": "com.apple.mail"},
      "clocks":  {"desktop_id": "org.gnome.clocks"},
      "excel":   null
    },
    "only": ["notes", "browser"]
  }
  command      absolute path of a program (on Windows an .exe); never a script
               (.bat, .cmd, .ps1, .sh, ...)
  bundle_id    macOS: run as /usr/bin/open -b <bundle_id> [urls] [--args ...]
  desktop_id   Linux: run as /usr/bin/gtk-launch <desktop_id> [urls]
  args         fixed arguments, always passed first
  allow_args   what arguments ChatGPT may add after the fixed ones:
               false (default): none
               "url": http:// or https:// URLs without control, bidi or
               invisible characters
               "words": plain words (letters, digits, spaces, . , _ ' -),
               starting with a letter or digit: never an option or a path
               {"files": ["/home/me/Documents"]}: absolute paths of existing
               files inside those folders (links resolved)
               "${UNSAFE_ANY}": anything, unchecked; warned about at every
               start. Only for a program you have read.
               Words, files and "${UNSAFE_ANY}" need a native program (not a
               script); shells, interpreters and launchers (flock, env, sudo,
               ...) take none of them. The old true now means none: choose one
  aliases      other names ChatGPT may use (names ignore case, spaces, . - _)
  null         removes a built-in app; an entry with a built-in's name replaces it
  only         keep just these apps

Built-in apps (${platform}): ${builtIns}

Exit codes:
  0    stopped by SIGINT/SIGTERM (after a running job finished), --once done,
       --help, --version, --list-apps; install/uninstall done; status healthy
  1    unexpected error, or a service command (systemctl, launchctl,
       schtasks) failed
  2    bad command line, or a registration the broker refused (e.g. the name)
  3    bad config file
  4    state directory unusable, or the broker's signing key changed (--reset)
  5    install: already installed; uninstall: not installed
  6    status: the agent is not running, not connected or not paired
  130  forced exit by a second SIGINT/SIGTERM
`;
}

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export interface CliRun {
  kind: CommandName;
  brokerUrl: string;
  configFile: string | undefined;
  stateDir: string;
  name: string;
  /** Whether `--name` was given rather than taken from the host name. */
  nameGiven: boolean;
  transport: Transport;
  once: boolean;
  reset: boolean;
  listApps: boolean;
}

export type CliCommand = { kind: 'help'; command: CommandName } | { kind: 'version' } | CliRun;

/** Parses the flags; throws `UsageError` for anything wrong. */
export function parseCli(argv: string[], platform: AgentPlatform, env: Env, home: string): CliCommand {
  const parse = () =>
    parseArgs({
      args: argv,
      strict: true,
      allowPositionals: true,
      options: {
        broker: { type: 'string' },
        config: { type: 'string' },
        'state-dir': { type: 'string' },
        name: { type: 'string' },
        transport: { type: 'string' },
        once: { type: 'boolean' },
        reset: { type: 'boolean' },
        'list-apps': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
      },
    });
  let values: ReturnType<typeof parse>['values'];
  let positionals: string[];
  try {
    ({ values, positionals } = parse());
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const [commandName = 'run', ...extra] = positionals;
  if (!(COMMANDS as readonly string[]).includes(commandName) || extra.length > 0) {
    throw new UsageError(`unknown command "${[commandName, ...extra].join(' ')}" (commands: ${COMMANDS.join(', ')})`);
  }
  if (values.help === true) return { kind: 'help', command: commandName as CommandName };
  if (values.version === true) return { kind: 'version' };

  const brokerUrl = values.broker ?? DEFAULT_BROKER;
  let parsed: URL;
  try {
    parsed = new URL(brokerUrl);
  } catch {
    throw new UsageError(`--broker: not a URL: ${brokerUrl}`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new UsageError('--broker: must be an http:// or https:// URL');
  }
  if (parsed.search !== '' || parsed.hash !== '' || parsed.username !== '' || parsed.password !== '') {
    throw new UsageError('--broker: give the base URL only (no query, fragment or credentials)');
  }
  const name = values.name === undefined ? nameFromHostname(hostname()) : checkedName(values.name);
  const transport = values.transport ?? 'auto';
  if (transport !== 'auto' && transport !== 'socket' && transport !== 'poll') {
    throw new UsageError('--transport: must be auto, socket or poll');
  }
  return {
    kind: commandName as CommandName,
    brokerUrl: `${parsed.origin}${parsed.pathname}`.replace(/\/+$/, ''),
    configFile: values.config,
    stateDir: path.resolve(values['state-dir'] ?? defaultStateDir(platform, env, home)),
    name,
    nameGiven: values.name !== undefined,
    transport,
    once: values.once === true,
    reset: values.reset === true,
    listApps: values['list-apps'] === true,
  };
}

/** A `--name` the broker would accept, or a usage error naming the broker's rule. */
function checkedName(name: string): string {
  const parsed = AgentName.safeParse(name);
  if (!parsed.success) throw new UsageError(`--name: ${parsed.error.issues[0]?.message ?? 'not a valid name'}`);
  return parsed.data;
}

/**
 * The host name made into a name the broker accepts: nobody chose it, so it is made to fit
 * rather than refused (controls dropped, other characters outside the name's plain set
 * become '-', cut at a character boundary).
 */
export function nameFromHostname(host: string): string {
  const visible = host
    .replace(new RegExp(HIDDEN_CHARACTERS.source, 'gu'), '')
    .replace(new RegExp(`(?!${AGENT_NAME_CHARACTER.source}).`, 'gu'), '-')
    .trim();
  let name = '';
  for (const character of visible) {
    if (name.length + character.length > AGENT_NAME_MAX) break;
    name += character;
  }
  name = name.trim();
  return AgentName.safeParse(name).success ? name : 'computer';
}

export async function loadCatalog(configFile: string | undefined, platform: AgentPlatform, env: Env): Promise<Catalog> {
  if (configFile === undefined) return buildCatalog(platform, env);
  let text: string;
  try {
    text = await readFile(configFile, 'utf8');
  } catch (error) {
    throw new CatalogConfigError([`cannot read: ${(error as Error).message}`], `config file ${configFile}`);
  }
  try {
    const catalog = buildCatalog(platform, env, parseCatalogConfig(text, platform, `config file ${configFile}`));
    await checkArgumentTargets(catalog);
    return catalog;
  } catch (error) {
    if (error instanceof CatalogConfigError && !error.message.includes(configFile)) {
      throw new CatalogConfigError(error.problems, `config file ${configFile}`);
    }
    throw error;
  }
}

/** What `main` needs from the process; `bin.ts` passes the real one. */
export interface CliProcess {
  argv: string[];
  env: Env;
  platform: NodeJS.Platform;
  stdout: (line: string) => void;
  stderr: (line: string) => void;
  onSignal: (handler: (signal: NodeJS.Signals) => void) => () => void;
  exit: (code: number) => void;
  /** The user's home (os.homedir() by default). */
  home?: string | undefined;
  /** How this agent is run, for `install`; absent when run from source. */
  program?: AgentProgram | undefined;
  /** macOS uid and Windows `DOMAIN\user`, for the service. */
  uid?: number | undefined;
  user?: string | undefined;
  /** Runs systemctl, launchctl, schtasks (no shell) for install and uninstall. */
  runCommand?: CommandRunner | undefined;
  isRunning?: ((pid: number) => boolean) | undefined;
}

/** Runs the CLI; resolves to the exit code. */
export async function main(io: CliProcess): Promise<number> {
  const platform = agentPlatform(io.platform);
  const home = io.home ?? homedir();
  let command: CliCommand;
  try {
    command = parseCli(io.argv, platform, io.env, home);
  } catch (error) {
    io.stderr(`${AGENT_PROGRAM}: ${(error as Error).message}`);
    io.stderr('Try --help.');
    return EXIT.usage;
  }
  if (command.kind === 'help') {
    io.stdout(commandUsage(command.command, platform, io.env, home).trimEnd());
    return EXIT.ok;
  }
  if (command.kind === 'version') {
    io.stdout(VERSION);
    return EXIT.ok;
  }

  if (command.kind !== 'run') {
    const serviceIo = {
      platform,
      home,
      env: io.env,
      stdout: io.stdout,
      stderr: io.stderr,
      program: io.program,
      uid: io.uid,
      user: io.user,
      run: io.runCommand,
      isRunning: io.isRunning ?? processIsRunning,
      version: VERSION,
    };
    const handler = { install: installCommand, uninstall: uninstallCommand, status: statusCommand }[command.kind];
    return handler(command, serviceIo, EXIT);
  }

  let catalog: Catalog;
  try {
    catalog = await loadCatalog(command.configFile, platform, io.env);
  } catch (error) {
    if (!(error instanceof CatalogConfigError)) throw error;
    io.stderr(error.message);
    return EXIT.config;
  }
  // Before anything else, every start: an entry that takes anything, or one to migrate.
  for (const line of argumentWarnings(catalog)) io.stderr(line);
  if (command.listApps) {
    for (const entry of catalog.entries) {
      const aliases = entry.aliases.length > 0 ? ` (also: ${entry.aliases.join(', ')})` : '';
      const args = entry.argsRefusal === undefined ? describeAllowArgs(entry.allowArgs) : 'no args (see the warning)';
      io.stdout(`${entry.name}${aliases}: ${describeTarget(entry.target)}; ${args}`);
    }
    return EXIT.ok;
  }

  // The terminal's lines also go to the log file (what a service leaves behind).
  const logFile = openLogFile(command.stateDir);
  const stderr = (line: string) => {
    io.stderr(line);
    logFile(line);
  };
  const stdout = (line: string) => {
    io.stdout(line);
    logFile(line);
  };
  const status = new StatusWriter(command.stateDir, {
    broker_url: command.brokerUrl,
    transport: 'http-poll',
    catalog_size: catalog.entries.length,
  });
  const controller = new AbortController();
  let stops = 0;
  const removeHandler = io.onSignal((signal) => {
    stops += 1;
    if (stops === 1) {
      stderr(`${signal}: stopping after the current job (again to force).`);
      controller.abort();
    } else {
      stderr(`${signal}: forced exit.`);
      io.exit(EXIT.forced);
    }
  });
  try {
    const nameNotice = await checkRegisteredName({
      stateDir: command.stateDir,
      brokerUrl: command.brokerUrl,
      name: command.name,
      nameGiven: command.nameGiven,
      reset: command.reset,
      now: Date.now(),
    });
    if (nameNotice !== undefined) stderr(nameNotice);
    const run = await runAgent(
      {
        brokerUrl: command.brokerUrl,
        stateDir: command.stateDir,
        name: command.name,
        transport: command.transport,
        platform,
        catalog,
        once: command.once,
        reset: command.reset,
        log: stderr,
        out: stdout,
        status,
      },
      controller.signal,
    );
    if (run.reason === 'stopped') stderr('Stopped.');
    return EXIT.ok;
  } catch (error) {
    if (error instanceof RegistrationRefusedError) {
      io.stderr(`${AGENT_PROGRAM}: ${error.message}`);
      return EXIT.usage;
    }
    if (error instanceof StateError || error instanceof BrokerKeyChangedError) {
      stderr(`${AGENT_PROGRAM}: ${error.message}`);
      return EXIT.state;
    }
    stderr(`${AGENT_PROGRAM}: unexpected error: ${(error as Error).stack ?? String(error)}`);
    return EXIT.error;
  } finally {
    removeHandler();
    await status.connection('disconnected', 'stopped');
  }
}
