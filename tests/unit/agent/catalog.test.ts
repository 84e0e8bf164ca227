import { chmod, copyFile, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AgentPlatform } from '#lib/agent-wire/protocol';
import { ARGUMENT_RUNNERS, argumentRunner, TERMINAL_MARK } from '../../../agent/argument-runners.ts';
import {
  buildCatalog,
  CatalogConfigError,
  checkArgs,
  checkArgumentTargets,
  GTK_LAUNCH_COMMAND,
  OPEN_COMMAND,
  parseCatalogConfig,
  planLaunch,
} from '../../../agent/catalog.ts';
import { formatOf, NATIVE_FORMAT } from '../../../agent/executable.ts';
import { configErrors, catalogEntry as entry, PLATFORM, removeTempDirs, tempDir } from './support.ts';

const windowsEnv = {
  SystemRoot: 'D:\\Win',
  ProgramFiles: 'D:\\Apps',
  'ProgramFiles(x86)': 'D:\\Apps32',
  LOCALAPPDATA: 'D:\\Users\\me\\AppData\\Local',
};
const none = () => false;

describe('built-in catalogs', () => {
  it('resolves Windows paths from the environment, case-insensitively', () => {
    const catalog = buildCatalog('windows', { systemroot: 'D:\\Win', ...windowsEnv });
    expect(planLaunch(entry(catalog, 'notepad'), [], none).command).toBe('D:\\Win\\System32\\notepad.exe');
    expect(planLaunch(entry(catalog, 'Calculator'), [], none).command).toBe('D:\\Win\\System32\\calc.exe');
    expect(catalog.find('excel')?.target).toEqual({
      kind: 'exec',
      paths: [
        'D:\\Apps\\Microsoft Office\\root\\Office16\\EXCEL.EXE',
        'D:\\Apps32\\Microsoft Office\\root\\Office16\\EXCEL.EXE',
      ],
    });
  });

  it('falls back to the standard Windows locations without the environment', () => {
    const catalog = buildCatalog('windows', {});
    expect(planLaunch(entry(catalog, 'word'), [], none).command).toBe(
      'C:\\Program Files\\Microsoft Office\\root\\Office16\\WINWORD.EXE',
    );
  });

  it('runs the first installed candidate', () => {
    const catalog = buildCatalog('windows', windowsEnv);
    const userInstall = 'D:\\Users\\me\\AppData\\Local\\Google\\Chrome\\Application\\chrome.exe';
    const plan = planLaunch(entry(catalog, 'Google Chrome'), ['https://example.com/'], (file) => file === userInstall);
    expect(plan).toEqual({ command: userInstall, args: ['https://example.com/'] });
  });

  it.each([
    ['windows', ['notepad', 'calc', 'chrome', 'vscode', 'excel', 'word']],
    ['macos', ['Safari', 'Chrome', 'TextEdit', 'Calculator', 'VS Code', 'Firefox']],
    ['linux', ['firefox', 'gedit', 'nautilus', 'chrome', 'chromium', 'vscode', 'calculator']],
  ] as const)('has the original apps on %s', (platform, names) => {
    const catalog = buildCatalog(platform, windowsEnv);
    for (const name of names) expect(catalog.find(name), name).toBeDefined();
  });

  it('knows apps by their aliases', () => {
    const catalog = buildCatalog('linux', {});
    for (const alias of ['VS Code', 'vscode', 'code', 'Visual Studio Code', 'vs-code']) {
      expect(catalog.find(alias)?.name).toBe('vscode');
    }
    expect(catalog.find('google chrome')?.name).toBe('chrome');
    expect(catalog.find('gnome-calculator')?.name).toBe('calculator');
  });

  it('has no terminal or shell anywhere', () => {
    for (const platform of ['windows', 'macos', 'linux'] as const) {
      const catalog = buildCatalog(platform, windowsEnv);
      for (const name of ['terminal', 'Terminal', 'cmd', 'powershell', 'bash', 'sh', 'iterm']) {
        expect(catalog.find(name), `${platform} ${name}`).toBeUndefined();
      }
    }
  });

  it('launches macOS apps through /usr/bin/open by bundle id, URLs as documents', () => {
    const catalog = buildCatalog('macos', {});
    expect(planLaunch(entry(catalog, 'safari'), ['https://example.com/'], none)).toEqual({
      command: OPEN_COMMAND,
      args: ['-b', 'com.apple.Safari', 'https://example.com/'],
    });
    expect(planLaunch(entry(catalog, 'textedit'), [], none)).toEqual({
      command: OPEN_COMMAND,
      args: ['-b', 'com.apple.TextEdit'],
    });
  });

  it('passes fixed and caller arguments to a bundle after --args', () => {
    const config = { apps: { notes: { bundle_id: 'com.example.Notes', args: ['--fresh'], allow_args: 'words' } } };
    const catalog = buildCatalog('macos', {}, parseCatalogConfig(JSON.stringify(config), 'macos'));
    expect(planLaunch(entry(catalog, 'notes'), ['a b'], none)).toEqual({
      command: OPEN_COMMAND,
      args: ['-b', 'com.example.Notes', '--args', '--fresh', 'a b'],
    });
  });

  it('launches Linux desktop entries through gtk-launch', () => {
    const config = { apps: { clocks: { desktop_id: 'org.gnome.clocks' } } };
    const catalog = buildCatalog('linux', {}, parseCatalogConfig(JSON.stringify(config), 'linux'));
    expect(planLaunch(entry(catalog, 'clocks'), [], none)).toEqual({
      command: GTK_LAUNCH_COMMAND,
      args: ['org.gnome.clocks'],
    });
  });
});

describe('the config file', () => {
  it('adds an app, replaces a built-in keeping its aliases, and removes one with null', () => {
    const config = {
      apps: {
        notes: { command: '/opt/notes/bin/notes', args: ['--new'], allow_args: 'words', aliases: ['my notes'] },
        chrome: { command: '/opt/chrome/chrome', allow_args: 'url' },
        nautilus: null,
      },
    };
    const catalog = buildCatalog('linux', {}, parseCatalogConfig(JSON.stringify(config), 'linux'));
    expect(planLaunch(entry(catalog, 'My Notes'), ['x'], none)).toEqual({
      command: '/opt/notes/bin/notes',
      args: ['--new', 'x'],
    });
    expect(planLaunch(entry(catalog, 'Google Chrome'), [], none).command).toBe('/opt/chrome/chrome');
    expect(catalog.find('nautilus')).toBeUndefined();
    expect(catalog.find('files')).toBeUndefined();
  });

  it('narrows the catalog to the names in "only"', () => {
    const config = { apps: { notes: { command: '/opt/notes' } }, only: ['notes', 'Firefox'] };
    const catalog = buildCatalog('linux', {}, parseCatalogConfig(JSON.stringify(config), 'linux'));
    expect(catalog.entries.map((entry) => entry.name).sort()).toEqual(['firefox', 'notes']);
  });

  it('defaults to no caller arguments', () => {
    const config = { apps: { notes: { command: '/opt/notes' } } };
    const catalog = buildCatalog('linux', {}, parseCatalogConfig(JSON.stringify(config), 'linux'));
    expect(checkArgs(entry(catalog, 'notes'), ['x'])).toEqual({ ok: false, message: 'notes takes no arguments' });
    expect(checkArgs(entry(catalog, 'notes'), [])).toEqual({ ok: true, args: [] });
  });

  it.each([
    ['a relative command', { apps: { x: { command: 'bin/notes' } } }, /apps\.x\.command: must be an absolute path/],
    ['a bare program name', { apps: { x: { command: 'notepad.exe' } } }, /must be an absolute path/],
    [
      'a .bat file',
      { apps: { x: { command: '/opt/run.bat' } } },
      /apps\.x\.command: must be a program, not a \.bat script/,
    ],
    ['a .cmd file', { apps: { x: { command: '/opt/run.CMD' } } }, /not a \.cmd script/],
    ['a .bat with trailing dots', { apps: { x: { command: '/opt/run.bat. .' } } }, /not a \.bat script/],
    ['a .sh script', { apps: { x: { command: '/opt/run.sh' } } }, /not a \.sh script/],
    [
      'a shell taking words',
      { apps: { x: { command: '/bin/bash', allow_args: 'words' } } },
      /"bash" may not take caller arguments \(allow_args\): a shell runs `-c <command>`/,
    ],
    [
      'env taking URLs',
      { apps: { x: { command: '/usr/bin/env', allow_args: 'url' } } },
      /"env" may not take caller arguments/,
    ],
    [
      'two targets',
      { apps: { x: { command: '/opt/a', desktop_id: 'a.b' } } },
      /exactly one of "command", "bundle_id", "desktop_id"/,
    ],
    ['no target', { apps: { x: { args: [] } } }, /apps\.x: needs exactly one of/],
    [
      'a misspelt key',
      { apps: { x: { command: '/opt/a', allowArgs: true } } },
      /apps\.x: Unrecognized key: "allowArgs"/,
    ],
    [
      'a wrong allow_args',
      { apps: { x: { command: '/opt/a', allow_args: 'yes' } } },
      /apps\.x\.allow_args: must be false, "url", "words", \{"files": \["<folder>", \.\.\.\]\} or, only for a program you have read, "unsafe-any"/,
    ],
    ['a bundle id off macOS', { apps: { x: { bundle_id: 'com.example.X' } } }, /bundle_id entries work only on macOS/],
    [
      'a desktop id with any args',
      { apps: { x: { desktop_id: 'a.b', allow_args: 'words' } } },
      /desktop_id entries take false or "url"/,
    ],
    ['an unknown top-level key', { app: {} }, /Unrecognized key: "app"/],
    ['an unknown name in only', { only: ['nope'] }, /only: "nope" is not in the catalog/],
    [
      'an alias taken by another app',
      { apps: { x: { command: '/opt/a', aliases: ['code'] } } },
      /"code" is also used by "vscode"/,
    ],
  ])('refuses %s with a clear message', (_name, config, message) => {
    expect(configErrors(config).join('\n')).toMatch(message);
  });

  it('lists every problem at once', () => {
    const problems = configErrors({ apps: { a: { command: 'rel' }, b: { command: '/x.bat' } } });
    expect(problems).toHaveLength(2);
  });

  it('accepts a shell only when callers can pass it nothing', () => {
    expect(configErrors({ apps: { backup: { command: '/bin/sh', args: ['/opt/backup'] } } })).toEqual([]);
  });

  it('requires Windows commands to be absolute .exe paths and refuses scripts and streams', () => {
    expect(configErrors({ apps: { x: { command: 'C:\\Tools\\app.exe' } } }, 'windows')).toEqual([]);
    expect(configErrors({ apps: { x: { command: 'C:\\Tools\\run.bat' } } }, 'windows').join()).toMatch(/\.bat script/);
    expect(configErrors({ apps: { x: { command: 'C:\\Tools\\run.BAT ' } } }, 'windows').join()).toMatch(/\.bat script/);
    expect(configErrors({ apps: { x: { command: 'C:\\Tools\\app' } } }, 'windows').join()).toMatch(/must be an \.exe/);
    expect(configErrors({ apps: { x: { command: '\\Tools\\app.exe' } } }, 'windows').join()).toMatch(/absolute/);
    expect(configErrors({ apps: { x: { command: 'C:\\Tools\\a.exe:evil.bat' } } }, 'windows').join()).toMatch(
      /not a \.bat script|alternate data stream/,
    );
    expect(
      configErrors(
        { apps: { x: { command: 'C:\\Windows\\System32\\cmd.exe', allow_args: 'unsafe-any' } } },
        'windows',
      ).join(),
    ).toMatch(/"cmd" may not take caller arguments/);
  });

  it('reports invalid JSON as such', () => {
    expect(() => parseCatalogConfig('{"apps": ', 'linux')).toThrow(/not valid JSON/);
  });
});

describe('caller arguments', () => {
  const catalog = buildCatalog('linux', {});
  const firefox = entry(catalog, 'firefox');

  it('accepts plain http and https URLs for a URL entry', () => {
    const urls = ['https://example.com/a?q=1', 'http://localhost:8080/'];
    expect(checkArgs(firefox, urls)).toEqual({ ok: true, args: urls });
  });

  it.each([
    'javascript:alert(1)',
    'file:///etc/passwd',
    'ftp://example.com/',
    '-P',
    'https://a.example/\tb',
    'https://',
  ])('refuses %j for a URL entry', (arg) => {
    expect(checkArgs(firefox, [arg])).toEqual({ ok: false, message: 'firefox takes only http(s) URLs as arguments' });
  });

  it('refuses too many or too long arguments and NUL characters', () => {
    const config = { apps: { any: { command: '/opt/any', allow_args: 'unsafe-any' } } };
    const any = entry(buildCatalog('linux', {}, parseCatalogConfig(JSON.stringify(config), 'linux')), 'any');
    expect(
      checkArgs(
        any,
        Array.from({ length: 33 }, () => 'x'),
      ).ok,
    ).toBe(false);
    expect(checkArgs(any, ['x'.repeat(2_049)]).ok).toBe(false);
    expect(checkArgs(any, ['a\0b']).ok).toBe(false);
    expect(checkArgs(any, ['$(whoami)', '; rm -rf ~'])).toEqual({ ok: true, args: ['$(whoami)', '; rm -rf ~'] });
  });
});

describe('programs that may not take caller arguments, by name', () => {
  const runnerNames = Object.keys(ARGUMENT_RUNNERS);

  it.each(runnerNames)('refuses %s taking words, files or anything', (name) => {
    for (const [platform, command, folder] of [
      ['linux', `/opt/tools/${name}`, '/home/me/Documents'],
      ['windows', `C:\\Tools\\${name.toUpperCase()}.EXE`, 'C:\\Users\\me\\Documents'],
    ] as const) {
      for (const allow_args of ['words', { files: [folder] }, 'unsafe-any']) {
        const errors = configErrors({ apps: { x: { command, allow_args } } }, platform);
        expect(errors).toHaveLength(1);
        expect(errors[0]).toMatch(`may not take caller arguments`);
      }
    }
  });

  it.each([
    ['python3.12', 'python'],
    ['Python3.12.EXE', 'python'],
    ['bash5.2', 'bash'],
    ['node20', 'node'],
    ['busybox.static', 'busybox'],
    ['vim.basic', 'vim'],
    ['php-cgi', 'php'],
    ['ld-linux-x86-64.so.2', 'ld-linux'],
    ['pwsh.exe. .', 'pwsh'],
    ['gnome-terminal', TERMINAL_MARK],
    ['x-terminal-emulator', TERMINAL_MARK],
    ['xfce4-terminal', TERMINAL_MARK],
    ['WezTerm-GUI', TERMINAL_MARK],
  ])('knows %s as %s whatever its version, variant, case or extension', (file, runner) => {
    expect(argumentRunner(`/usr/bin/${file}`)?.name).toBe(runner);
  });

  it.each(['gedit', 'notes', 'shotwell', 'envsubst', 'openscad', 'calculator', 'record-args'])(
    'leaves %s alone',
    (file) => {
      expect(argumentRunner(`/usr/bin/${file}`)).toBeUndefined();
    },
  );

  it('lets browsers take URLs, never anything', () => {
    expect(configErrors({ apps: { web: { command: '/opt/chrome/chrome', allow_args: 'url' } } })).toEqual([]);
    expect(configErrors({ apps: { web: { command: '/opt/chrome/chrome', allow_args: 'words' } } }).join()).toMatch(
      /renderer-cmd-prefix.*allow_args "url"/,
    );
  });

  it('refuses macOS terminals and script runners by bundle id', () => {
    const errors = (bundle_id: string, allow_args: false | 'url' | 'words') =>
      configErrors({ apps: { x: { bundle_id, allow_args } } }, 'macos');
    expect(errors('com.apple.Terminal', 'words').join()).toMatch(/com\.apple\.Terminal may not take caller arguments/);
    expect(errors('com.googlecode.iterm2', 'url')).toHaveLength(1);
    expect(errors('com.apple.ScriptEditor2', 'words')).toHaveLength(1);
    expect(errors('com.google.Chrome', 'words')).toHaveLength(1);
    expect(errors('com.google.Chrome', 'url')).toEqual([]);
    expect(errors('com.apple.Terminal', false)).toEqual([]);
  });

  it('refuses Windows 8.3 short names with arguments, and network or device paths always', () => {
    const windows = (command: string, allow_args: false | 'unsafe-any' = 'unsafe-any') =>
      configErrors({ apps: { x: { command, allow_args } } }, 'windows').join();
    expect(windows('C:\\PROGRA~1\\PYTHON~1\\PYTHON~1.EXE')).toMatch(/8\.3 short names/);
    expect(windows('C:\\Tools\\NOTEPA~1.EXE')).toMatch(/8\.3 short names/);
    expect(windows('C:\\Tools\\NOTEPA~1.EXE', false)).toBe('');
    expect(windows('\\\\server\\share\\tool.exe', false)).toMatch(/local drive, not a network or device path/);
    expect(windows('\\\\?\\C:\\Tools\\tool.exe', false)).toMatch(/local drive/);
    expect(windows('\\\\.\\C:\\Tools\\tool.exe', false)).toMatch(/local drive/);
  });
});

describe('programs that may not take caller arguments, by content', () => {
  afterEach(removeTempDirs);

  /** Parses, builds and inspects like the agent's startup; returns the problems. */
  async function startupErrors(config: unknown, platform: AgentPlatform = PLATFORM): Promise<string[]> {
    try {
      await checkArgumentTargets(buildCatalog(platform, {}, parseCatalogConfig(JSON.stringify(config), platform)));
    } catch (error) {
      if (error instanceof CatalogConfigError) return error.problems;
      throw error;
    }
    return [];
  }

  const anyArgs = (command: string) => ({ apps: { tool: { command, allow_args: 'unsafe-any' } } });

  /** A real native program of this machine (a copy of /usr/bin/true) under `name`. */
  async function nativeProgram(name: string, dir?: string): Promise<string> {
    const file = path.join(dir ?? (await tempDir()), name);
    await copyFile('/usr/bin/true', file);
    return file;
  }

  async function script(name: string, text: string): Promise<string> {
    const file = path.join(await tempDir(), name);
    await writeFile(file, text);
    await chmod(file, 0o755);
    return file;
  }

  it.runIf(PLATFORM === 'linux')('reads the native format this machine runs', async () => {
    const { readFile } = await import('node:fs/promises');
    expect(formatOf(await readFile('/usr/bin/true'))).toBe(NATIVE_FORMAT.linux);
  });

  it.runIf(PLATFORM !== 'windows')('accepts a real native program under an innocent name', async () => {
    const file = await nativeProgram('calendar');
    expect(await startupErrors(anyArgs(file))).toEqual([]);
  });

  it.runIf(PLATFORM !== 'windows').each(Object.keys(ARGUMENT_RUNNERS))(
    'refuses a real native program named %s',
    async (name) => {
      const file = await nativeProgram(name);
      const errors = await startupErrors(anyArgs(file));
      expect(errors.join()).toMatch(`"${name}" may not take caller arguments`);
    },
  );

  it.runIf(PLATFORM !== 'windows').each([
    ['#!/bin/sh\necho hi\n', '/bin/sh'],
    ['#!/usr/bin/env python3\nprint(1)\n', '/usr/bin/env'],
    ['#! /usr/bin/perl -w\nprint 1;\n', '/usr/bin/perl'],
    ['#!/usr/bin/node\n', '/usr/bin/node'],
  ])('refuses a script without an extension (%j)', async (text, interpreter) => {
    const file = await script('notes', text);
    const errors = await startupErrors(anyArgs(file));
    expect(errors).toEqual([
      `apps.tool.command: ${file} is a script for ${interpreter}: an interpreter may not take caller arguments`,
    ]);
  });

  it.runIf(PLATFORM !== 'windows')('refuses a link with an innocent name to an interpreter', async () => {
    const dir = await tempDir();
    const python = await nativeProgram('python3.12', dir);
    const link = path.join(dir, 'notes');
    await symlink(python, link);
    const chain = path.join(dir, 'calendar');
    await symlink(link, chain);
    for (const command of [link, chain]) {
      expect((await startupErrors(anyArgs(command))).join()).toMatch(
        `${command} (which is ${python}) may not take caller arguments (allow_args): an interpreter`,
      );
    }
    // And this machine's own Node, linked under another name.
    const node = path.join(dir, 'viewer');
    await symlink(process.execPath, node);
    expect((await startupErrors(anyArgs(node))).join()).toMatch(/may not take caller arguments/);
  });

  it.runIf(PLATFORM !== 'windows')('refuses a file of no native format, and one it cannot read', async () => {
    const text = await script('notes', 'echo hi\n');
    expect((await startupErrors(anyArgs(text))).join()).toMatch(`${text} is not a native ${PLATFORM} program`);
    const missing = path.join(await tempDir(), 'missing');
    expect((await startupErrors(anyArgs(missing))).join()).toMatch(
      `${missing} cannot be inspected (ENOENT); an entry taking arguments needs a program the agent can read`,
    );
  });

  it.runIf(PLATFORM !== 'windows')(
    'refuses a Windows program on this platform, and accepts it on Windows',
    async () => {
      const file = path.join(await tempDir(), 'tool.exe');
      await writeFile(file, portableExecutable());
      expect((await startupErrors(anyArgs(file))).join()).toMatch(/is not a native .* program/);
      const windowsCatalog = buildCatalog(
        'windows',
        {},
        parseCatalogConfig(JSON.stringify(anyArgs('C:\\Tools\\tool.exe')), 'windows'),
      );
      // The same bytes, inspected as the Windows agent would see them.
      const inspect = async () => ({ realPath: 'C:\\Tools\\tool.exe', format: formatOf(portableExecutable()) });
      await expect(checkArgumentTargets(windowsCatalog, inspect)).resolves.toBeUndefined();
    },
  );

  it('checks only entries that take any arguments', async () => {
    const file = await script('backup', '#!/bin/sh\n');
    expect(await startupErrors({ apps: { backup: { command: file } } })).toEqual([]);
    expect(await startupErrors({ apps: { backup: { command: file, allow_args: 'url' } } })).toEqual([]);
  });

  it('tells executable formats apart by their first bytes', () => {
    const bytes = (...values: number[]) => Uint8Array.from(values);
    expect(formatOf(bytes(0x7f, 0x45, 0x4c, 0x46, 2, 1))).toBe('elf');
    expect(formatOf(bytes(0xcf, 0xfa, 0xed, 0xfe, 7, 0))).toBe('mach-o');
    expect(formatOf(bytes(0xfe, 0xed, 0xfa, 0xce))).toBe('mach-o');
    // A universal binary with two architectures, and a Java class file (version 52).
    expect(formatOf(bytes(0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 2))).toBe('mach-o');
    expect(formatOf(bytes(0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 52))).toBe('other');
    expect(formatOf(portableExecutable())).toBe('pe');
    expect(formatOf(Buffer.from('#!/bin/sh\n'))).toBe('script');
    expect(formatOf(Buffer.from('echo\n'))).toBe('other');
    expect(formatOf(bytes())).toBe('other');
  });
});

/** The smallest header Windows loads: "MZ", e_lfanew at 0x3C pointing at "PE\0\0". */
function portableExecutable(): Buffer {
  const file = Buffer.alloc(0x84);
  file.write('MZ', 0, 'latin1');
  file.writeUInt32LE(0x80, 0x3c);
  file.write('PE\0\0', 0x80, 'latin1');
  return file;
}

describe('URL arguments', () => {
  const firefox = entry(buildCatalog('linux', {}), 'firefox');

  it('passes each URL as the WHATWG URL parser writes it', () => {
    expect(checkArgs(firefox, ['HTTPS://Example.COM/a/../b?q=1 ', 'http://bücher.example/ä'])).toEqual({
      ok: false,
      message: 'firefox takes only http(s) URLs as arguments',
    });
    expect(checkArgs(firefox, ['HTTPS://Example.COM/a/../b?q=1', 'http://bücher.example/ä'])).toEqual({
      ok: true,
      args: ['https://example.com/b?q=1', 'http://xn--bcher-kva.example/%C3%A4'],
    });
  });

  it.each([
    ['C1 control U+0085', '\u0085'],
    ['C1 CSI U+009B', '\u009b'],
    ['DEL', '\u007f'],
    ['right-to-left override U+202E', '\u202e'],
    ['left-to-right embedding U+202A', '\u202a'],
    ['right-to-left isolate U+2067', '\u2067'],
    ['pop directional isolate U+2069', '\u2069'],
    ['right-to-left mark U+200F', '\u200f'],
    ['left-to-right mark U+200E', '\u200e'],
    ['Arabic letter mark U+061C', '\u061c'],
    ['zero-width space U+200B', '\u200b'],
    ['zero-width joiner U+200D', '\u200d'],
    ['word joiner U+2060', '\u2060'],
    ['byte-order mark U+FEFF', '\ufeff'],
    ['soft hyphen U+00AD', '\u00ad'],
  ])('refuses a URL holding a %s, written or percent-encoded', (_name, character) => {
    const encoded = encodeURIComponent(character);
    for (const url of [
      `https://example.com/${character}gpj.exe`,
      `https://exa${character}mple.com/`,
      `https://example.com/?q=${encoded}`,
      `https://example.com/${encoded}fdp.exe`,
    ]) {
      expect(checkArgs(firefox, [url]), JSON.stringify(url)).toEqual({
        ok: false,
        message: 'firefox takes only http(s) URLs as arguments',
      });
    }
  });
});
