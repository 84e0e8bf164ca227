import { mkdir, realpath, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AgentPlatform } from '#lib/agent-wire/protocol';
import { checkFileArgs, describeAllowArgs, isPlainWord, MAX_WORD_LENGTH } from '../../../agent/argument-kinds.ts';
import {
  argumentWarnings,
  buildCatalog,
  type Catalog,
  checkArgs,
  checkArgumentTargets,
  parseCatalogConfig,
} from '../../../agent/catalog.ts';
import { catalogEntry, configErrors, PLATFORM, removeTempDirs, tempDir } from './support.ts';

function catalogOf(apps: object, platform: AgentPlatform = 'linux'): Catalog {
  return buildCatalog(platform, {}, parseCatalogConfig(JSON.stringify({ apps }), platform));
}

/** The problems the agent finds in a config of these `apps`. */
function appErrors(apps: object, platform: AgentPlatform = 'linux'): string[] {
  return configErrors({ apps }, platform);
}

describe('an old catalog (allow_args: true)', () => {
  // The security review's entry: flock ran `-c <shell command>` from the caller.
  const catalog = catalogOf({ lock: { command: '/usr/bin/flock', allow_args: true } });
  const lock = catalogEntry(catalog, 'lock');

  it('still loads, so an installed agent keeps starting, but the entry takes no arguments', () => {
    expect(lock.allowArgs).toBe(false);
    expect(checkArgs(lock, ['/tmp/lock', '-c', 'id > /tmp/owned'])).toEqual({
      ok: false,
      message:
        'apps.lock: allow_args true (any text) is no longer accepted, so "lock" takes no arguments until its ' +
        'config says what kind they are: "url", "words", {"files": ["<folder>", ...]} or, only for a program ' +
        'you have read, "unsafe-any" (see the README, "Arguments from ChatGPT")',
    });
    expect(checkArgs(lock, [])).toEqual({ ok: true, args: [] });
  });

  it('is named at every start, with how to migrate', () => {
    expect(argumentWarnings(catalog)).toEqual([`Warning: ${lock.argsRefusal}`]);
  });
});

describe('the free form', () => {
  it('is spelt "unsafe-any", warned about at every start, and passes text unchanged', () => {
    const catalog = catalogOf({ viewer: { command: '/opt/viewer', allow_args: 'unsafe-any' } });
    expect(argumentWarnings(catalog)).toEqual([
      'WARNING: apps.viewer takes ANY arguments ChatGPT sends, unchecked (allow_args "unsafe-any"): ' +
        'a mail or web page that talks ChatGPT into a launch chooses them',
    ]);
    expect(checkArgs(catalogEntry(catalog, 'viewer'), ['-x', '$(id)'])).toEqual({ ok: true, args: ['-x', '$(id)'] });
    expect(describeAllowArgs('unsafe-any')).toBe('ANY args, unchecked (unsafe-any)');
  });

  it('has no other spelling', () => {
    for (const allow_args of ['any', 'true', 'unsafe', 'files', {}, { files: [] }, { files: ['/a'], more: 1 }]) {
      expect(appErrors({ x: { command: '/opt/x', allow_args } }).join(), JSON.stringify(allow_args)).toMatch(
        /apps\.x\.allow_args/,
      );
    }
  });
});

describe('plain words', () => {
  it.each([
    'report',
    'quarterly report',
    'Straße',
    'e-mail',
    "O'Brien",
    '2024',
    'v1.2',
    'नमस्ते',
    'a'.repeat(MAX_WORD_LENGTH),
  ])('accepts %j', (word) => {
    expect(isPlainWord(word)).toBe(true);
  });

  it.each([
    ['an option', '-c'],
    ['a long option', '--eval=1'],
    ['a Windows option', '/c'],
    ['a vim command', '+!id'],
    ['a response file', '@args.txt'],
    ['a home path', '~/x'],
    ['a path', 'a/b'],
    ['a Windows path', 'a\\b'],
    ['an assignment', 'of=/dev/sda'],
    ['a URL', 'https://example.com'],
    ['a host path', 'host:file'],
    ['a command substitution', '$(id)'],
    ['a separator', 'a;b'],
    ['a leading space', ' a'],
    ['nothing', ''],
    ['a bidi override', 'a\u202eb'],
    ['a zero-width space', 'a\u200bb'],
    ['a line break', 'a\nb'],
    ['a long text', 'a'.repeat(MAX_WORD_LENGTH + 1)],
  ])('refuses %s (%j)', (_name, word) => {
    expect(isPlainWord(word)).toBe(false);
  });

  it('are what a "words" entry takes, each checked', () => {
    const catalog = catalogOf({ search: { command: '/opt/search', allow_args: 'words' } });
    const search = catalogEntry(catalog, 'search');
    expect(checkArgs(search, ['tax', 'return 2024'])).toEqual({ ok: true, args: ['tax', 'return 2024'] });
    expect(checkArgs(search, ['tax', '-c'])).toEqual({
      ok: false,
      message: "search takes only plain words (letters, digits, spaces and . , _ ' -, starting with a letter or digit)",
    });
  });
});

describe('files inside named folders', () => {
  afterEach(removeTempDirs);

  async function layout() {
    const root = await realpath(await tempDir());
    const docs = path.join(root, 'Documents');
    await mkdir(path.join(docs, 'sub'), { recursive: true });
    const note = path.join(docs, 'sub', 'note.txt');
    await writeFile(note, 'x');
    // A sibling whose name starts with the folder's: not inside it.
    await mkdir(path.join(root, 'Documents-private'));
    const sibling = path.join(root, 'Documents-private', 'key.txt');
    await writeFile(sibling, 'x');
    const outside = path.join(root, 'secret.txt');
    await writeFile(outside, 'x');
    return { root, docs, note, sibling, outside };
  }

  it('passes an existing file inside, as its real path', async () => {
    const { root, docs, note } = await layout();
    const link = path.join(root, 'shortcut');
    await symlink(note, link);
    expect(await checkFileArgs('viewer', [note, link], [docs])).toEqual({ ok: true, args: [note, note] });
    // The folder is judged by its real path too.
    const docsLink = path.join(root, 'docs-link');
    await symlink(docs, docsLink);
    expect(await checkFileArgs('viewer', [note], [docsLink])).toEqual({ ok: true, args: [note] });
  });

  it.runIf(PLATFORM !== 'windows')('refuses any path that is not an existing file inside', async () => {
    const { root, docs, sibling, outside } = await layout();
    const leak = path.join(docs, 'innocent.txt');
    await symlink(outside, leak);
    const refused = {
      ok: false,
      message: `viewer takes only absolute paths of existing files inside ${docs}`,
    };
    for (const arg of [
      outside,
      sibling,
      leak,
      path.join(docs, '..', 'secret.txt'),
      path.join(docs, 'sub'),
      docs,
      path.join(docs, 'missing.txt'),
      'sub/note.txt',
      '-rf',
      root,
    ]) {
      expect(await checkFileArgs('viewer', [arg], [docs]), arg).toEqual(refused);
    }
  });

  it('refuses a folder that is relative or a whole disk in the config', () => {
    expect(appErrors({ v: { command: '/opt/v', allow_args: { files: ['Documents'] } } })).toEqual([
      'apps.v.allow_args.files: "Documents" must be an absolute folder',
    ]);
    expect(appErrors({ v: { command: '/opt/v', allow_args: { files: ['/'] } } })).toEqual([
      'apps.v.allow_args.files: "/" is a whole disk: name the folder the files are in',
    ]);
    expect(appErrors({ v: { command: 'C:\\Tools\\v.exe', allow_args: { files: ['D:\\'] } } }, 'windows')).toEqual([
      'apps.v.allow_args.files: "D:\\" is a whole disk: name the folder the files are in',
    ]);
    expect(appErrors({ v: { command: '/opt/v', allow_args: { files: ['/home/me/Documents'] } } })).toEqual([]);
  });
});

describe('launchers, by what the file really is, whatever the kind', () => {
  afterEach(removeTempDirs);

  it.runIf(PLATFORM === 'linux')('refuses a link with an innocent name to flock, for words and files', async () => {
    const dir = await tempDir();
    const link = path.join(dir, 'notes');
    await symlink('/usr/bin/flock', link);
    for (const allow_args of ['words', { files: [dir] }, 'unsafe-any']) {
      const catalog = catalogOf({ notes: { command: link, allow_args } }, 'linux');
      await expect(checkArgumentTargets(catalog)).rejects.toThrow(
        `apps.notes.command: ${link} (which is /usr/bin/flock) may not take caller arguments (allow_args): runs`,
      );
    }
  });
});
