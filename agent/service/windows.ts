import { xml } from './macos.ts';
import { commandFor, installedProgram, type PlanFor, pathFor, SERVICE_NAME, type ServiceSettings } from './plan.ts';

/**
 * A Task Scheduler task for the user's own logon: no administrator, runs in the user's
 * desktop session (so the apps it starts are visible), restarted if it fails. The task's
 * XML is kept beside the installed program: schtasks reads it, and it marks the install.
 */

export const TASK_NAME = SERVICE_NAME;

export const windowsPlan: PlanFor = (settings) => {
  const p = pathFor('windows');
  const localAppData = windowsEnv(settings, 'LOCALAPPDATA') ?? p.join(settings.home, 'AppData', 'Local');
  const programDir = p.join(localAppData, 'Programs', SERVICE_NAME);
  const { file, commandLine } = installedProgram(settings, programDir);
  if (settings.user === undefined) throw new Error('Windows services need the user name');
  const taskFile = p.join(programDir, 'task.xml');
  const schtasks = commandFor('schtasks.exe');
  return {
    platform: 'windows',
    marker: taskFile,
    files: [file, { path: taskFile, content: utf16(renderTask(commandLine, settings.user)) }],
    preflight: [],
    otherWays: [],
    start: [schtasks('/Create', '/TN', TASK_NAME, '/XML', taskFile), schtasks('/Run', '/TN', TASK_NAME)],
    stop: [schtasks('/End', '/TN', TASK_NAME), schtasks('/Delete', '/TN', TASK_NAME, '/F')],
    afterRemove: [],
    commandLine,
    notes: [`See it with: schtasks /Query /TN ${TASK_NAME} /V /FO LIST`],
  };
};

export function renderTask(commandLine: string[], user: string): string {
  const [command = '', ...args] = commandLine;
  return `<?xml version="1.0" encoding="UTF-16"?>
<Task version="1.2" xmlns="http://schemas.microsoft.com/windows/2004/02/mit/task">
  <RegistrationInfo>
    <Description>chatgpt-broker desktop agent: starts the apps you ask ChatGPT for.</Description>
  </RegistrationInfo>
  <Triggers>
    <LogonTrigger>
      <Enabled>true</Enabled>
      <UserId>${xml(user)}</UserId>
    </LogonTrigger>
  </Triggers>
  <Principals>
    <Principal id="Author">
      <UserId>${xml(user)}</UserId>
      <LogonType>InteractiveToken</LogonType>
      <RunLevel>LeastPrivilege</RunLevel>
    </Principal>
  </Principals>
  <Settings>
    <MultipleInstancesPolicy>IgnoreNew</MultipleInstancesPolicy>
    <DisallowStartIfOnBatteries>false</DisallowStartIfOnBatteries>
    <StopIfGoingOnBatteries>false</StopIfGoingOnBatteries>
    <ExecutionTimeLimit>PT0S</ExecutionTimeLimit>
    <RestartOnFailure>
      <Interval>PT1M</Interval>
      <Count>999</Count>
    </RestartOnFailure>
    <StartWhenAvailable>true</StartWhenAvailable>
  </Settings>
  <Actions Context="Author">
    <Exec>
      <Command>${xml(command)}</Command>
      <Arguments>${xml(args.map(windowsArg).join(' '))}</Arguments>
    </Exec>
  </Actions>
</Task>
`;
}

/** One argument as the Microsoft C runtime splits a command line (backslashes before quotes doubled). */
export function windowsArg(arg: string): string {
  if (arg !== '' && !/[\s"]/.test(arg)) return arg;
  return `"${arg.replace(/(\\*)"/g, '$1$1\\"').replace(/(\\+)$/, '$1$1')}"`;
}

/** schtasks reads task XML as UTF-16 (little-endian, with a byte-order mark). */
function utf16(text: string): Uint8Array {
  return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text.replace(/\n/g, '\r\n'), 'utf16le')]);
}

function windowsEnv(settings: ServiceSettings, name: string): string | undefined {
  for (const [key, value] of Object.entries(settings.env)) {
    if (key.toLowerCase() === name.toLowerCase() && value !== undefined && /^[A-Za-z]:\\/.test(value)) return value;
  }
  return undefined;
}
