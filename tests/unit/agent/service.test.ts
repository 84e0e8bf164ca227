import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { AGENT_PROGRAM, type AgentPlatform } from '#lib/agent-wire/protocol';
import { type CliProcess, EXIT } from '../../../agent/cli.ts';
import {
  AlreadyInstalledError,
  type CommandRunner,
  installService,
  servicePlan,
  uninstallService,
} from '../../../agent/service/install.ts';
import { renderUnit } from '../../../agent/service/linux.ts';
import type { Command, ServiceSettings } from '../../../agent/service/plan.ts';
import { windowsArg } from '../../../agent/service/windows.ts';
import { removeTempDirs, runCli, tempDir } from './support.ts';

afterEach(removeTempDirs);

/** Records every service command instead of running systemctl, launchctl or schtasks. */
function recordingRunner(code = 0): CommandRunner & { calls: Command[] } {
  const calls: Command[] = [];
  return Object.assign(
    async (command: Command) => {
      calls.push(command);
      return { code, stderr: code === 0 ? '' : 'Failed to connect to bus' };
    },
    { calls },
  );
}

/** Runs every command well except the one whose arguments include `failing`, which fails as systemctl does without a bus. */
function failingAt(failing: string): CommandRunner & { calls: Command[] } {
  const calls: Command[] = [];
  return Object.assign(
    async (command: Command) => {
      calls.push(command);
      return command.args.includes(failing)
        ? { code: 1, stderr: 'Failed to connect to bus: No medium found' }
        : { code: 0, stderr: '' };
    },
    { calls },
  );
}

/** Every file under `dir`, relative, with forward slashes. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'))
    .sort();
}

interface Rendering {
  settings: ServiceSettings;
  /** Maps the platform's paths into the temporary directory. */
  fsPath: (file: string) => string;
  root: string;
}

/** Settings for `platform` with its home inside a temporary directory (Windows' C:\ mapped there too). */
async function rendering(platform: AgentPlatform): Promise<Rendering> {
  const root = await tempDir();
  const source = path.join(await tempDir(), 'agent.mjs');
  await writeFile(source, '// the agent bundle\n');
  if (platform === 'windows') {
    const fsPath = (file: string) =>
      file === source ? file : path.join(root, file.replace(/^([A-Za-z]):\\/, '$1/').replace(/\\/g, '/'));
    return {
      root,
      fsPath,
      settings: {
        platform,
        home: 'C:\\Users\\me',
        env: { LOCALAPPDATA: 'C:\\Users\\me\\AppData\\Local' },
        program: { kind: 'script', node: 'C:\\Program Files\\nodejs\\node.exe', script: source },
        brokerUrl: 'https://broker.example/prod',
        stateDir: `C:\\Users\\me\\AppData\\Roaming\\${AGENT_PROGRAM}`,
        configFile: 'C:\\Users\\me\\agent apps.json',
        name: 'desk',
        user: 'DESK\\me',
      },
    };
  }
  const home = path.join(root, 'home');
  return {
    root,
    fsPath: (file) => file,
    settings: {
      platform,
      home,
      env: {},
      program: { kind: 'script', node: process.execPath, script: source },
      brokerUrl: 'https://broker.example/prod',
      stateDir: path.join(home, 'state'),
      configFile: path.join(home, 'agent apps.json'),
      name: 'desk',
      uid: 501,
    },
  };
}

const expected = {
  linux: {
    preflight: ['systemctl --user show-environment'],
    files: [`home/.config/systemd/user/${AGENT_PROGRAM}.service`, `home/.local/share/${AGENT_PROGRAM}/agent.mjs`],
    start: ['systemctl --user daemon-reload', `systemctl --user enable --now ${AGENT_PROGRAM}.service`],
    stop: [`systemctl --user disable --now ${AGENT_PROGRAM}.service`, 'systemctl --user daemon-reload'],
  },
  macos: {
    files: [
      `home/Library/Application Support/${AGENT_PROGRAM}/bin/agent.mjs`,
      'home/Library/LaunchAgents/com.chatgpt-broker.agent.plist',
    ],
    start: ['launchctl bootstrap gui/501 HOME/Library/LaunchAgents/com.chatgpt-broker.agent.plist'],
    stop: ['launchctl bootout gui/501/com.chatgpt-broker.agent'],
  },
  windows: {
    files: [
      `C/Users/me/AppData/Local/Programs/${AGENT_PROGRAM}/agent.mjs`,
      `C/Users/me/AppData/Local/Programs/${AGENT_PROGRAM}/task.xml`,
    ],
    start: [
      `schtasks.exe /Create /TN ${AGENT_PROGRAM} /XML HOME\\AppData\\Local\\Programs\\${AGENT_PROGRAM}\\task.xml`,
      `schtasks.exe /Run /TN ${AGENT_PROGRAM}`,
    ],
    stop: [`schtasks.exe /End /TN ${AGENT_PROGRAM}`, `schtasks.exe /Delete /TN ${AGENT_PROGRAM} /F`],
  },
} as const;

describe.each(['linux', 'macos', 'windows'] as const)('the %s service', (platform) => {
  it('install writes exactly its files and registers it; uninstall removes exactly them', async () => {
    const { settings, fsPath, root } = await rendering(platform);
    const plan = servicePlan(settings);
    const run = recordingRunner();
    const said: string[] = [];
    const shown = (command: Command) => [command.command, ...command.args].join(' ').replace(settings.home, 'HOME');

    await installService(plan, { say: (line) => said.push(line), run, fsPath });
    expect(await filesUnder(root)).toEqual(expected[platform].files);
    const preflight: readonly string[] = 'preflight' in expected[platform] ? expected.linux.preflight : [];
    expect(run.calls.map(shown)).toEqual([...preflight, ...expected[platform].start]);
    for (const file of plan.files)
      expect(said).toContain(`Wrote ${file.path}${file.copyFrom ? ` (a copy of ${file.copyFrom})` : ''}`);
    expect(await readFile(fsPath(plan.files[0]?.path ?? ''), 'utf8')).toBe('// the agent bundle\n');

    await expect(installService(plan, { say: () => undefined, run, fsPath })).rejects.toThrow(AlreadyInstalledError);
    expect(run.calls).toHaveLength(preflight.length + expected[platform].start.length);

    run.calls.length = 0;
    expect(await uninstallService(plan, { say: (line) => said.push(line), run, fsPath })).toBe(true);
    expect(await filesUnder(root)).toEqual([]);
    expect(run.calls.map(shown)).toEqual(expected[platform].stop);
    expect(await uninstallService(plan, { say: () => undefined, run, fsPath })).toBe(false);
  });

  it('runs the installed copy with the broker, state directory, config and name', async () => {
    const { settings } = await rendering(platform);
    const plan = servicePlan(settings);
    const installed = plan.files.find((file) => file.copyFrom !== undefined)?.path;
    expect(plan.commandLine).toEqual([
      settings.program.kind === 'script' ? settings.program.node : '',
      installed,
      '--broker',
      settings.brokerUrl,
      '--state-dir',
      settings.stateDir,
      '--config',
      settings.configFile,
      '--name',
      'desk',
    ]);
  });
});

describe('what each service file says', () => {
  it('a systemd unit that restarts on failure, starts with the session and leaves launched apps alone', async () => {
    const { settings } = await rendering('linux');
    const unit = String(servicePlan(settings).files[1]?.content);
    expect(unit).toContain(
      `ExecStart="${process.execPath}" "${settings.home}/.local/share/${AGENT_PROGRAM}/agent.mjs"`,
    );
    expect(unit).toContain(`"--config" "${settings.home}/agent apps.json"`);
    expect(unit).toMatch(/^Restart=on-failure$/m);
    expect(unit).toMatch(/^RestartPreventExitStatus=2 3 4$/m);
    expect(unit).toMatch(/^KillMode=process$/m);
    expect(unit).toMatch(/^WantedBy=default.target$/m);
  });

  it('escapes what systemd would expand or split in ExecStart', () => {
    expect(renderUnit(['/opt/a b/node', 'https://b.example/%41$HOME', 'say "hi"\\'])).toContain(
      'ExecStart="/opt/a b/node" "https://b.example/%%41$$HOME" "say \\"hi\\"\\\\"',
    );
    expect(() => renderUnit(['/bin/x', 'a\nExecStartPre=/bin/evil'])).toThrow(/line break/);
  });

  it('a LaunchAgent that loads at login, comes back after a crash and leaves launched apps alone', async () => {
    const { settings } = await rendering('macos');
    const plist = String(servicePlan({ ...settings, name: 'R&D <desk>' }).files[1]?.content);
    expect(plist).toContain('<key>Label</key>\n\t<string>com.chatgpt-broker.agent</string>');
    expect(plist).toMatch(/<key>RunAtLoad<\/key>\s*<true\/>/);
    expect(plist).toMatch(/<key>KeepAlive<\/key>\s*<dict>\s*<key>SuccessfulExit<\/key>\s*<false\/>/);
    expect(plist).toMatch(/<key>AbandonProcessGroup<\/key>\s*<true\/>/);
    expect(plist).toContain(`<string>${process.execPath}</string>`);
    expect(plist).toContain('<string>R&amp;D &lt;desk&gt;</string>');
  });

  it('a logon task for this user only, in UTF-16 as schtasks reads it, with arguments quoted for Windows', async () => {
    const { settings } = await rendering('windows');
    const bytes = servicePlan(settings).files[1]?.content as Uint8Array;
    expect([...bytes.slice(0, 2)]).toEqual([0xff, 0xfe]);
    const xml = Buffer.from(bytes.slice(2)).toString('utf16le');
    expect(xml).toMatch(/<LogonTrigger>\s*<Enabled>true<\/Enabled>\s*<UserId>DESK\\me<\/UserId>/);
    expect(xml).toMatch(/<LogonType>InteractiveToken<\/LogonType>\s*<RunLevel>LeastPrivilege<\/RunLevel>/);
    expect(xml).toContain('<Command>C:\\Program Files\\nodejs\\node.exe</Command>');
    expect(xml).toContain(
      `<Arguments>C:\\Users\\me\\AppData\\Local\\Programs\\${AGENT_PROGRAM}\\agent.mjs --broker https://broker.example/prod`,
    );
    expect(xml).toContain('--config &quot;C:\\Users\\me\\agent apps.json&quot; --name desk</Arguments>');
    expect(xml).toContain('<RestartOnFailure>');
  });

  // Each case names the Microsoft C runtime rule it pins.
  it.each([
    { rule: 'nothing to protect, left bare', arg: 'plain', quoted: 'plain' },
    { rule: 'white space, quoted', arg: 'two words', quoted: '"two words"' },
    {
      rule: 'trailing backslashes, doubled before the closing quote',
      arg: 'C:\\Program Files\\x\\',
      quoted: '"C:\\Program Files\\x\\\\"',
    },
    { rule: 'a quote, escaped', arg: 'say "hi"', quoted: '"say \\"hi\\""' },
    { rule: 'backslashes before a quote, doubled', arg: 'a\\"b c', quoted: '"a\\\\\\"b c"' },
    { rule: 'empty, still one argument', arg: '', quoted: '""' },
  ])('$rule: $arg as $quoted', ({ arg, quoted }) => {
    expect(windowsArg(arg)).toBe(quoted);
  });
});

const systemdAnalyze = await promisify(execFile)('systemd-analyze', ['--version']).then(
  () => true,
  () => false,
);

describe('the rendered unit, checked by systemd itself', () => {
  it.runIf(systemdAnalyze)('passes systemd-analyze verify', async () => {
    const { settings } = await rendering('linux');
    const dir = await tempDir();
    const unit = path.join(dir, `${AGENT_PROGRAM}.service`);
    await writeFile(unit, String(servicePlan(settings).files[1]?.content));
    const result = await promisify(execFile)('systemd-analyze', ['verify', unit]).then(
      ({ stdout, stderr }) => ({ code: 0, output: stdout + stderr }),
      (error: { code: number; stdout: string; stderr: string }) => ({
        code: error.code,
        output: error.stdout + error.stderr,
      }),
    );
    // Lines about other units on this machine are not ours to judge.
    const ours = result.output.split('\n').filter((line) => line.includes(AGENT_PROGRAM));
    expect({ code: result.code, ours }).toEqual({ code: 0, ours: [] });
  });
});

describe('agent install, uninstall, status on the command line', () => {
  it('installs once, says where it wrote what, refuses a second time, and uninstalls', async () => {
    const { settings } = await rendering('linux');
    const run = recordingRunner();
    const io: Partial<CliProcess> = { home: settings.home, program: settings.program, runCommand: run };
    const flags = ['--broker', settings.brokerUrl, '--state-dir', settings.stateDir];
    const unit = path.join(settings.home, `.config/systemd/user/${AGENT_PROGRAM}.service`);

    const installed = await runCli(['install', ...flags], io);
    expect(installed.code).toBe(EXIT.ok);
    expect(installed.stdout).toContain(`Wrote ${unit}`);
    expect(installed.stdout).toContain(`Ran systemctl --user enable --now ${AGENT_PROGRAM}.service`);
    expect(existsSync(unit)).toBe(true);

    const again = await runCli(['install', ...flags], io);
    expect(again).toMatchObject({ code: EXIT.service, stdout: [] });
    expect(again.stderr.join()).toContain(`already installed (${unit})`);

    const status = await runCli(['status', ...flags], io);
    expect(status.code).toBe(EXIT.notRunning);
    expect(status.stdout).toContain(`Service:     installed (${unit})`);

    const removed = await runCli(['uninstall', ...flags], io);
    expect(removed.code).toBe(EXIT.ok);
    expect(removed.stdout).toContain(`Removed ${unit}`);
    expect(existsSync(unit)).toBe(false);
    expect((await runCli(['uninstall', ...flags], io)).code).toBe(EXIT.service);
  });

  it('writes nothing where the user service manager does not answer, and offers the next best ways', async () => {
    const { settings, root } = await rendering('linux');
    const run = failingAt('show-environment');
    const io: Partial<CliProcess> = { home: settings.home, program: settings.program, runCommand: run };
    const flags = ['--state-dir', settings.stateDir, '--name', 'desk'];
    const result = await runCli(['install', ...flags], io);
    expect(result.code).toBe(EXIT.error);
    expect(result.stderr).toEqual([
      `${AGENT_PROGRAM}: the service manager does not answer ("systemctl --user show-environment": exit 1, ` +
        'Failed to connect to bus: No medium found), so nothing was installed and nothing written.',
    ]);
    expect(run.calls).toHaveLength(1);
    expect(await filesUnder(root)).toEqual([]);
    // The agent where it is now, not a copy install never made.
    const direct = [process.execPath, settings.program.kind === 'script' ? settings.program.script : ''];
    expect(result.stdout).toEqual([
      'Other ways to start it at login:',
      `- In a desktop session (GNOME, KDE, Xfce, ...): save these lines as ${settings.home}/.config/autostart/${AGENT_PROGRAM}.desktop`,
      '    [Desktop Entry]',
      '    Type=Application',
      '    Name=chatgpt-broker agent',
      '    Comment=Starts the apps you ask ChatGPT for',
      `    Exec=${[...direct, '--broker', 'http://localhost:3000', '--state-dir', settings.stateDir, '--name', 'desk']
        .map((word) => `"${word}"`)
        .join(' ')}`,
      '    Terminal=false',
      '    X-GNOME-Autostart-enabled=true',
      '- Anywhere else: run this at login (for example from ~/.profile), or now in a terminal:',
      `    ${direct.join(' ')} --broker http://localhost:3000 --state-dir ${settings.stateDir} --name desk &`,
    ]);
    const status = await runCli(['status', ...flags], io);
    expect(status.stdout).toContain('Service:     not installed');
  });

  it('takes back a failed install: no file left, status says not installed, install can be tried again', async () => {
    const { settings, root } = await rendering('linux');
    const run = failingAt('daemon-reload');
    const io: Partial<CliProcess> = { home: settings.home, program: settings.program, runCommand: run };
    const flags = ['--state-dir', settings.stateDir];
    const result = await runCli(['install', ...flags], io);
    expect(result.code).toBe(EXIT.error);
    expect(result.stderr).toEqual([
      `${AGENT_PROGRAM}: "systemctl --user daemon-reload" failed (exit 1): Failed to connect to bus: No medium found. ` +
        'What install wrote is removed again.',
    ]);
    expect(result.stdout).toContain(
      `Removed ${settings.home}/.config/systemd/user/${AGENT_PROGRAM}.service (install did not finish)`,
    );
    expect(await filesUnder(root)).toEqual([]);
    expect(await readdir(root)).toEqual([]);
    expect((await runCli(['status', ...flags], io)).stdout).toContain('Service:     not installed');
    // Not "already installed": the second try gets as far as the first.
    expect((await runCli(['install', ...flags], io)).stderr.join()).toMatch(/daemon-reload" failed/);
  });

  it('will not install the agent run from source', async () => {
    const { settings } = await rendering('linux');
    const result = await runCli(['install'], { home: settings.home, runCommand: recordingRunner() });
    expect(result.code).toBe(EXIT.error);
    expect(result.stderr.join()).toMatch(/install the built agent/);
  });
});
