import { commandFor, installedProgram, type PlanFor, pathFor, SERVICE_NAME } from './plan.ts';

/**
 * A systemd user unit: no root, starts when the user's session starts (default.target of
 * the user's manager), restarted if it fails.
 */

export const UNIT_NAME = `${SERVICE_NAME}.service`;

export const linuxPlan: PlanFor = (settings) => {
  const p = pathFor('linux');
  const configHome = absolute(settings.env.XDG_CONFIG_HOME) ?? p.join(settings.home, '.config');
  const dataHome = absolute(settings.env.XDG_DATA_HOME) ?? p.join(settings.home, '.local', 'share');
  const unitFile = p.join(configHome, 'systemd', 'user', UNIT_NAME);
  const { file, commandLine } = installedProgram(settings, p.join(dataHome, SERVICE_NAME));
  const systemctl = commandFor('systemctl', '--user');
  return {
    platform: 'linux',
    marker: unitFile,
    files: [file, { path: unitFile, content: renderUnit(commandLine), mode: 0o644 }],
    start: [systemctl('daemon-reload'), systemctl('enable', '--now', UNIT_NAME)],
    stop: [systemctl('disable', '--now', UNIT_NAME)],
    afterRemove: [systemctl('daemon-reload')],
    commandLine,
    notes: [`See it with: systemctl --user status ${UNIT_NAME}`],
  };
};

export function renderUnit(commandLine: string[]): string {
  return `[Unit]
Description=chatgpt-broker desktop agent (starts the apps you ask ChatGPT for)
After=graphical-session.target

[Service]
Type=simple
ExecStart=${commandLine.map(quote).join(' ')}
Restart=on-failure
RestartSec=5
# A bad command line (2), config (3) or state / changed broker key (4) needs the user.
RestartPreventExitStatus=2 3 4
# Stop only the agent: the apps it started belong to the user, not to the service.
KillMode=process

[Install]
WantedBy=default.target
`;
}

/**
 * One ExecStart word: double-quoted, with systemd's C-style escapes, and \`%\` and \`$\`
 * doubled so neither specifiers nor variables are expanded.
 */
function quote(word: string): string {
  if (/[\n\r]/.test(word)) throw new Error('a service argument may not contain a line break');
  const escaped = word.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/%/g, '%%').replace(/\$/g, '$$$$');
  return `"${escaped}"`;
}

function absolute(value: string | undefined): string | undefined {
  return value?.startsWith('/') ? value : undefined;
}
