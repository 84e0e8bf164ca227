import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import * as z from '#lib/zod';

/**
 * What a catalog entry's caller arguments may be. ChatGPT (and whoever put words in front
 * of it) chooses them, so each is checked by the agent against a kind the user declared,
 * rather than passed as free text to a program that might run it:
 * - `false`: none (the default);
 * - `'url'`: http(s) URLs (`normalizeWebUrl` in catalog.ts);
 * - `'words'`: plain words ({@link isPlainWord}), never an option, path or address;
 * - `{ files: [folders] }`: existing regular files inside those folders, passed as their
 *   real paths ({@link checkFileArgs});
 * - `'unsafe-any'`: anything, unchecked: the loud opt-in, warned about at every start.
 * A program that runs what its arguments name (a shell, interpreter or launcher, see
 * argument-runners.ts) takes none of these but `'url'` (browsers only).
 */
export type AllowArgs = false | 'url' | 'words' | FilesKind | typeof UNSAFE_ANY;

/** Arguments that must be existing files inside `files` (absolute folders). */
export interface FilesKind {
  files: readonly string[];
}

/** The free form's spelling: long and alarming on purpose, so nobody writes it by accident. */
export const UNSAFE_ANY = 'unsafe-any';

const KIND_HELP = `"url", "words", {"files": ["<folder>", ...]} or, only for a program you have read, "${UNSAFE_ANY}"`;

/**
 * The config's `allow_args`: one of the kinds, or the old `true` (free text), which is
 * still read so that an installed agent keeps starting, but gives no arguments
 * ({@link legacyTrueRefusal} says why and how to migrate).
 */
export const AllowArgsConfig = z.union(
  [
    z.boolean(),
    z.enum(['url', 'words', UNSAFE_ANY]),
    z.strictObject({
      files: z.array(z.string().check(z.minLength(1), z.maxLength(4_096))).check(z.minLength(1), z.maxLength(20)),
    }),
  ],
  { error: `must be false, ${KIND_HELP}` },
);
export type AllowArgsConfig = z.infer<typeof AllowArgsConfig>;

/** Why an entry written with the old `allow_args: true` takes no caller arguments, and how to fix it. */
export function legacyTrueRefusal(name: string): string {
  return (
    `apps.${name}: allow_args true (any text) is no longer accepted, so "${name}" takes no arguments ` +
    `until its config says what kind they are: ${KIND_HELP} (see the README, "Arguments from ChatGPT")`
  );
}

/** Whether a kind lets a program's file decide what runs (checked by content, at start and at each launch). */
export function inspectsProgram(allowArgs: AllowArgs): boolean {
  return allowArgs !== false && allowArgs !== 'url';
}

/** The kind in a few words, for `--list-apps` and messages. */
export function describeAllowArgs(allowArgs: AllowArgs): string {
  if (allowArgs === false) return 'no args';
  if (allowArgs === 'url') return 'URL args';
  if (allowArgs === 'words') return 'plain-word args';
  if (allowArgs === UNSAFE_ANY) return `ANY args, unchecked (${UNSAFE_ANY})`;
  return `file args inside ${allowArgs.files.join(', ')}`;
}

/** At most this long: a word, not a text. */
export const MAX_WORD_LENGTH = 200;

/**
 * A letter or digit first (so never `-x`, `/x`, `+cmd`, `@file`, `~`), then letters,
 * combining marks, digits, spaces and `. , _ ' -`: no `=` (`VAR=value`, `of=file`), no
 * `:` (schemes, `host:path`), no slash or backslash (paths), no shell or format
 * characters (there is no shell, but a program may hand its arguments to one).
 */
const PLAIN_WORD = /^[\p{L}\p{N}][\p{L}\p{M}\p{N} ._,'-]*$/u;

/** Whether `text` is a plain word (or a few) that no program reads as an option, path or address. */
export function isPlainWord(text: string): boolean {
  return text.length <= MAX_WORD_LENGTH && PLAIN_WORD.test(text);
}

/** Problems with a `files` kind's folders as written in the config (absolute, not a whole disk). */
export function folderProblems(folders: readonly string[], p: path.PlatformPath): string[] {
  const problems: string[] = [];
  for (const folder of folders) {
    if (folder.includes('\0') || !p.isAbsolute(folder)) problems.push(`"${folder}" must be an absolute folder`);
    else if (p.dirname(p.resolve(folder)) === p.resolve(folder)) {
      problems.push(`"${folder}" is a whole disk: name the folder the files are in`);
    }
  }
  return problems;
}

export type ArgsCheck = { ok: true; args: string[] } | { ok: false; message: string };

/**
 * Each argument an existing regular file inside one of `folders`, judged after every
 * link is resolved (a link inside pointing outside does not count), and passed on as
 * that real path: the program opens exactly the file that was checked. Relative paths
 * are refused (they would depend on the agent's working directory).
 */
export async function checkFileArgs(
  name: string,
  args: readonly string[],
  folders: readonly string[],
): Promise<ArgsCheck> {
  const refusal: ArgsCheck = {
    ok: false,
    message: `${name} takes only absolute paths of existing files inside ${folders.join(', ')}`,
  };
  const roots = (await Promise.all(folders.map((folder) => realpath(folder).catch(() => undefined)))).filter(
    (root): root is string => root !== undefined,
  );
  const passed: string[] = [];
  for (const arg of args) {
    if (!path.isAbsolute(arg)) return refusal;
    const real = await realpath(arg).catch(() => undefined);
    if (real === undefined || !roots.some((root) => isInside(root, real))) return refusal;
    const isFile = await stat(real).then(
      (stats) => stats.isFile(),
      () => false,
    );
    if (!isFile) return refusal;
    passed.push(real);
  }
  return { ok: true, args: passed };
}

/** Whether `file` is below `folder` (both real paths). */
function isInside(folder: string, file: string): boolean {
  const relative = path.relative(folder, file);
  return relative !== '' && !path.isAbsolute(relative) && relative.split(path.sep)[0] !== '..';
}
