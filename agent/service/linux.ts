import {
  commandFor,
  directCommandLine,
  installedProgram,
  type PlanFor,
  pathFor,
  SERVICE_NAME,
  type ServiceSettings,
} from './plan.ts';

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
    // Answers only where a user manager runs (not in most containers, WSL without systemd,
    // or a login without a user session): "Failed to connect to bus" otherwise.
    preflight: [systemctl('show-environment')],
    otherWays: otherWays(settings, configHome),
    start: [systemctl('daemon-reload'), systemctl('enable', '--now', UNIT_NAME)],
    stop: [systemctl('disable', '--now', UNIT_NAME)],
    afterRemove: [systemctl('daemon-reload')],
    commandLine,
    notes: [`See it with: systemctl --user status ${UNIT_NAME}`],
  };
};

/**
 * Where there is no systemd user manager: an XDG autostart entry, which desktop sessions
 * (GNOME, KDE, Xfce, ...) start at login, or the plain command for a login script. Both
 * run the agent from where it is now: install copied nothing.
 */
function otherWays(settings: ServiceSettings, configHome: string): string[] {
  const commandLine = directCommandLine(settings);
  const autostart = pathFor('linux').join(configHome, 'autostart', `${SERVICE_NAME}.desktop`);
  return [
    'Other ways to start it at login:',
    `- In a desktop session (GNOME, KDE, Xfce, ...): save these lines as ${autostart}`,
    ...renderAutostart(commandLine)
      .trimEnd()
      .split('\n')
      .map((line) => `    ${line}`),
    '- Anywhere else: run this at login (for example from ~/.profile), or now in a terminal:',
    `    ${commandLine.map(shellWord).join(' ')} &`,
  ];
}

/** An XDG autostart desktop entry (Desktop Entry Specification 1.5) that runs `commandLine`. */
export function renderAutostart(commandLine: string[]): string {
  return `[Desktop Entry]
Type=Application
Name=chatgpt-broker agent
Comment=Starts the apps you ask ChatGPT for
Exec=${commandLine.map(execWord).join(' ')}
Terminal=false
X-GNOME-Autostart-enabled=true
`;
}

/**
 * One Exec word, by the spec's quoting rules: double-quoted with the quote, backquote,
 * dollar and backslash escaped; then every backslash doubled (the value is also a string,
 * whose escapes are undone first); and the percent sign doubled, so no field code expands.
 */
function execWord(word: string): string {
  if (/[\n\r]/.test(word)) throw new Error('an autostart argument may not contain a line break');
  const quoted = `"${word.replace(/["`$\\]/g, (c) => `\\${c}`)}"`;
  return quoted.replace(/\\/g, '\\\\').replace(/%/g, '%%');
}

/** One POSIX shell word, single-quoted. */
function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, "'\\''")}'`;
}

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
