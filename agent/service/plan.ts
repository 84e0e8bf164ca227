import path from 'node:path';
import { AGENT_PROGRAM, type AgentPlatform } from '#lib/agent-wire/protocol';
import type { Env } from '../catalog.ts';

/**
 * What `agent install` puts on a computer, as data: the files to write and the commands
 * to run, rendered from the platform, the user's home and the agent's settings by pure
 * functions (`linux.ts`, `macos.ts`, `windows.ts`). `install.ts` carries a plan out.
 */

/** The service's name wherever a name is needed (unit, task, program directory). */
export const SERVICE_NAME = AGENT_PROGRAM;
/** launchd wants a reverse-DNS label. */
export const LAUNCHD_LABEL = 'com.chatgpt-broker.agent';

/** How this agent is being run now, so the service can run the same program. */
export type AgentProgram =
  /** A single executable (Node's single executable applications). */
  | { kind: 'executable'; path: string }
  /** Node and the one-file bundle (`dist/agent/agent.mjs`). */
  | { kind: 'script'; node: string; script: string };

export interface ServiceSettings {
  platform: AgentPlatform;
  home: string;
  env: Env;
  program: AgentProgram;
  brokerUrl: string;
  stateDir: string;
  configFile: string | undefined;
  name: string;
  /** macOS: the user's uid, for `launchctl bootstrap gui/<uid>`. */
  uid?: number | undefined;
  /** Windows: `DOMAIN\user`, whose logon starts the task. */
  user?: string | undefined;
}

export interface ServiceFile {
  path: string;
  /** Text (or bytes) to write... */
  content?: string | Uint8Array;
  /** ...or a file to copy (the agent program itself). */
  copyFrom?: string;
  mode?: number;
}

export interface Command {
  command: string;
  args: string[];
}

export interface ServicePlan {
  platform: AgentPlatform;
  /** Present exactly when the service is installed: the unit, plist or task file. */
  marker: string;
  /** Written by install in this order, removed by uninstall. */
  files: ServiceFile[];
  /**
   * Run before anything is written, each must succeed: the service manager answers. When
   * one fails, install writes nothing and shows `otherWays` instead.
   */
  preflight: Command[];
  /** Lines offering the next best way to start the agent at login, where the manager does not answer. */
  otherWays: string[];
  /** Run after the files are written: register and start the service. */
  start: Command[];
  /** Run before the files are removed: stop and unregister it. */
  stop: Command[];
  /** Run after the files are removed. */
  afterRemove: Command[];
  /** The command line the service runs. */
  commandLine: string[];
  /** Lines for the user: how to see the service and its logs. */
  notes: string[];
}

/** Renders one platform's plan; pure, so every platform's plan can be checked anywhere. */
export type PlanFor = (settings: ServiceSettings) => ServicePlan;

/** A maker of one program's commands: `commandFor('systemctl', '--user')('daemon-reload')`. */
export function commandFor(command: string, ...fixedArgs: string[]): (...args: string[]) => Command {
  return (...args) => ({ command, args: [...fixedArgs, ...args] });
}

export function pathFor(platform: AgentPlatform): path.PlatformPath {
  return platform === 'windows' ? path.win32 : path.posix;
}

/** The installed copy of the agent program and the command line that runs it with its settings. */
export function installedProgram(
  settings: ServiceSettings,
  programDir: string,
): { file: ServiceFile; commandLine: string[] } {
  const p = pathFor(settings.platform);
  const flags = agentFlags(settings);
  const program = settings.program;
  if (program.kind === 'executable') {
    const installed = p.join(programDir, SERVICE_NAME + (settings.platform === 'windows' ? '.exe' : ''));
    return { file: { path: installed, copyFrom: program.path, mode: 0o755 }, commandLine: [installed, ...flags] };
  }
  const installed = p.join(programDir, 'agent.mjs');
  return {
    file: { path: installed, copyFrom: program.script, mode: 0o644 },
    commandLine: [program.node, installed, ...flags],
  };
}

/** The flags the service passes: the broker, state directory, config and name install was given. */
function agentFlags(settings: ServiceSettings): string[] {
  return [
    '--broker',
    settings.brokerUrl,
    '--state-dir',
    settings.stateDir,
    ...(settings.configFile === undefined ? [] : ['--config', settings.configFile]),
    '--name',
    settings.name,
  ];
}

/** The command line that runs this agent where it is now (not an installed copy), with the service's flags. */
export function directCommandLine(settings: ServiceSettings): string[] {
  const program = settings.program;
  const run = program.kind === 'executable' ? [program.path] : [program.node, program.script];
  return [...run, ...agentFlags(settings)];
}

/** Shown as one line, for humans (not for a shell). */
export function showCommand(command: Command): string {
  return [command.command, ...command.args].map((arg) => (/[\s"']/.test(arg) ? JSON.stringify(arg) : arg)).join(' ');
}
