import { copyFileSync, existsSync, linkSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

let program: string | undefined;

/**
 * A native program that records its arguments, for catalog entries that take arguments (`"unsafe-any"`, `"words"`, files):
 * this Node binary under a name of its own (a hard link, else a copy), run with
 * `record-args.mjs` as its first fixed argument. The catalog refuses `node` (and a
 * symlink to it) by name, but cannot tell a renamed copy of an interpreter from any other
 * program: docs/agent.md says so, and these tests rely on exactly that.
 *
 * One fixed place per user, reused by every test process (test workers are killed, so a
 * per-process copy would never be cleaned up); made by rename, so racing processes agree.
 */
export function recorderProgram(): string {
  if (program !== undefined) return program;
  const dir = path.join(tmpdir(), `chatgpt-broker-recorder-${process.getuid?.() ?? 'user'}`);
  const file = path.join(dir, process.platform === 'win32' ? 'record-args.exe' : 'record-args');
  if (!existsSync(file) || statSync(file).size !== statSync(process.execPath).size) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const temp = `${file}.${process.pid}.tmp`;
    try {
      linkSync(process.execPath, temp);
    } catch {
      copyFileSync(process.execPath, temp);
    }
    renameSync(temp, file);
  }
  program = file;
  return file;
}
