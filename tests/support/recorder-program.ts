import { copyFileSync, linkSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

let program: string | undefined;

/**
 * A native program that records its arguments, for the catalog's `allow_args: true`:
 * this Node binary under a name of its own (a hard link, else a copy), run with
 * `record-args.mjs` as its first fixed argument. The catalog refuses `node` (and a
 * symlink to it) by name, but cannot tell a renamed copy of an interpreter from any other
 * program: the README's agent section says so, and these tests rely on exactly that.
 * Made once per test process.
 */
export function recorderProgram(): string {
  if (program !== undefined) return program;
  const dir = mkdtempSync(path.join(tmpdir(), 'agent-recorder-'));
  const file = path.join(dir, process.platform === 'win32' ? 'record-args.exe' : 'record-args');
  try {
    linkSync(process.execPath, file);
  } catch {
    copyFileSync(process.execPath, file);
  }
  program = file;
  return file;
}
