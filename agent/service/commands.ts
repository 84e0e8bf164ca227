import path from 'node:path';
import { AGENT_PROGRAM, type AgentPlatform } from '#lib/agent-wire/protocol';
import type { Env } from '../catalog.ts';
import type { CliRun } from '../cli.ts';
import { agentStatus } from '../status.ts';
import {
  AlreadyInstalledError,
  type CommandRunner,
  installService,
  isInstalled,
  ServiceCommandError,
  ServiceUnavailableError,
  servicePlan,
  uninstallService,
} from './install.ts';
import type { AgentProgram, ServicePlan } from './plan.ts';

/** `install`, `uninstall` and `status` as the command line runs them; each resolves to an exit code. */

export interface ServiceCommandIo {
  platform: AgentPlatform;
  home: string;
  env: Env;
  stdout: (line: string) => void;
  stderr: (line: string) => void;
  /** How this agent is run now; undefined when it runs from source (tsx), which cannot be installed. */
  program: AgentProgram | undefined;
  uid?: number | undefined;
  user?: string | undefined;
  run?: CommandRunner | undefined;
  isRunning: (pid: number) => boolean;
  version: string;
}

/** Exit codes, as `EXIT` in cli.ts (passed in so this module does not import the CLI's values). */
export interface ServiceExits {
  ok: number;
  error: number;
  service: number;
  notRunning: number;
}

function planFor(command: CliRun, io: ServiceCommandIo, program: AgentProgram): ServicePlan {
  return servicePlan({
    platform: io.platform,
    home: io.home,
    env: io.env,
    program,
    brokerUrl: command.brokerUrl,
    stateDir: command.stateDir,
    configFile: command.configFile === undefined ? undefined : path.resolve(command.configFile),
    name: command.name,
    uid: io.uid,
    user: io.user,
  });
}

/** For status and uninstall, which need the file locations only: any program will do. */
const ANY_PROGRAM: AgentProgram = { kind: 'script', node: 'node', script: 'agent.mjs' };

export async function installCommand(command: CliRun, io: ServiceCommandIo, exits: ServiceExits): Promise<number> {
  if (io.program === undefined) {
    io.stderr(`${AGENT_PROGRAM}: install the built agent: npm run build, then node dist/agent/agent.mjs install`);
    return exits.error;
  }
  const plan = planFor(command, io, io.program);
  try {
    await installService(plan, { say: io.stdout, run: io.run });
  } catch (error) {
    if (error instanceof AlreadyInstalledError) {
      io.stderr(`${AGENT_PROGRAM}: ${error.message}`);
      return exits.service;
    }
    if (error instanceof ServiceUnavailableError) {
      io.stderr(`${AGENT_PROGRAM}: ${error.message}.`);
      for (const line of error.otherWays) io.stdout(line);
      return exits.error;
    }
    if (error instanceof ServiceCommandError) {
      io.stderr(`${AGENT_PROGRAM}: ${error.message}. What install wrote is removed again.`);
      return exits.error;
    }
    throw error;
  }
  io.stdout('Installed. It starts now and at every login; "status" shows how it is doing.');
  return exits.ok;
}

export async function uninstallCommand(command: CliRun, io: ServiceCommandIo, exits: ServiceExits): Promise<number> {
  const plan = planFor(command, io, io.program ?? ANY_PROGRAM);
  try {
    if (!(await uninstallService(plan, { say: io.stdout, run: io.run }))) {
      io.stderr(`${AGENT_PROGRAM}: not installed (no ${plan.marker})`);
      return exits.service;
    }
  } catch (error) {
    if (!(error instanceof ServiceCommandError)) throw error;
    io.stderr(`${AGENT_PROGRAM}: ${error.message}`);
    return exits.error;
  }
  io.stdout(`Uninstalled. The state directory ${command.stateDir} (keys, pairing) is kept.`);
  return exits.ok;
}

export async function statusCommand(command: CliRun, io: ServiceCommandIo, exits: ServiceExits): Promise<number> {
  const plan = planFor(command, io, io.program ?? ANY_PROGRAM);
  const report = await agentStatus({
    stateDir: command.stateDir,
    brokerUrl: command.brokerUrl,
    version: io.version,
    service: { installed: await isInstalled(plan), marker: plan.marker },
    isRunning: io.isRunning,
  });
  for (const line of report.lines) io.stdout(line);
  return report.healthy ? exits.ok : exits.notRunning;
}
