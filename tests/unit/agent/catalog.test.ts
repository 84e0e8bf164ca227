import { describe, expect, it } from 'vitest';
import type { AgentPlatform } from '#lib/agent-protocol';
import {
  buildCatalog,
  type Catalog,
  CatalogConfigError,
  type CatalogEntry,
  checkArgs,
  GTK_LAUNCH_COMMAND,
  OPEN_COMMAND,
  parseCatalogConfig,
  planLaunch,
} from '../../../agent/catalog.ts';

const windowsEnv = {
  SystemRoot: 'D:\\Win',
  ProgramFiles: 'D:\\Apps',
  'ProgramFiles(x86)': 'D:\\Apps32',
  LOCALAPPDATA: 'D:\\Users\\me\\AppData\\Local',
};
const none = () => false;

function entry(catalog: Catalog, name: string): CatalogEntry {
  const found = catalog.find(name);
  if (found === undefined) throw new Error(`${name} is not in the catalog`);
  return found;
}

function configErrors(config: unknown, platform: AgentPlatform = 'linux'): string[] {
  try {
    buildCatalog(platform, {}, parseCatalogConfig(JSON.stringify(config), platform));
  } catch (error) {
    if (error instanceof CatalogConfigError) return error.problems;
    throw error;
  }
  return [];
}

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
    const config = { apps: { notes: { bundle_id: 'com.example.Notes', args: ['--fresh'], allow_args: true } } };
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
        notes: { command: '/opt/notes/bin/notes', args: ['--new'], allow_args: true, aliases: ['my notes'] },
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
    expect(checkArgs(entry(catalog, 'notes'), [])).toEqual({ ok: true });
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
      'a shell taking arguments',
      { apps: { x: { command: '/bin/bash', allow_args: true } } },
      /"bash" runs its arguments/,
    ],
    ['env taking URLs', { apps: { x: { command: '/usr/bin/env', allow_args: 'url' } } }, /"env" runs its arguments/],
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
      /apps\.x\.allow_args: must be false, true or "url"/,
    ],
    ['a bundle id off macOS', { apps: { x: { bundle_id: 'com.example.X' } } }, /bundle_id entries work only on macOS/],
    [
      'a desktop id with any args',
      { apps: { x: { desktop_id: 'a.b', allow_args: true } } },
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
      configErrors({ apps: { x: { command: 'C:\\Windows\\System32\\cmd.exe', allow_args: true } } }, 'windows').join(),
    ).toMatch(/"cmd" runs its arguments/);
  });

  it('reports invalid JSON as such', () => {
    expect(() => parseCatalogConfig('{"apps": ', 'linux')).toThrow(/not valid JSON/);
  });
});

describe('caller arguments', () => {
  const catalog = buildCatalog('linux', {});
  const firefox = entry(catalog, 'firefox');

  it('accepts plain http and https URLs for a URL entry', () => {
    expect(checkArgs(firefox, ['https://example.com/a?q=1', 'http://localhost:8080/'])).toEqual({ ok: true });
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
    const config = { apps: { any: { command: '/opt/any', allow_args: true } } };
    const any = entry(buildCatalog('linux', {}, parseCatalogConfig(JSON.stringify(config), 'linux')), 'any');
    expect(
      checkArgs(
        any,
        Array.from({ length: 33 }, () => 'x'),
      ).ok,
    ).toBe(false);
    expect(checkArgs(any, ['x'.repeat(2_049)]).ok).toBe(false);
    expect(checkArgs(any, ['a\0b']).ok).toBe(false);
    expect(checkArgs(any, ['$(whoami)', '; rm -rf ~'])).toEqual({ ok: true });
  });
});
