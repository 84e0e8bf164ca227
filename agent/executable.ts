import { realpath } from 'node:fs';
import { open } from 'node:fs/promises';
import { promisify } from 'node:util';
import type { AgentPlatform } from '#lib/agent-wire/protocol';

/**
 * What a command file is, told from its content rather than its name: the file the path
 * finally names (symlinks resolved) and the format its first bytes announce.
 */

/** Native executable formats, a `#!` script, or anything else. */
export type ExecutableFormat = 'elf' | 'mach-o' | 'pe' | 'script' | 'other';

export interface Inspection {
  /** The path with every symlink resolved (on Windows also 8.3 names expanded). */
  realPath: string;
  format: ExecutableFormat;
  /** For a script: its `#!` line's program (what the kernel would run it with). */
  interpreter?: string;
}

/** The format each platform's loader runs itself; anything else goes through a helper. */
export const NATIVE_FORMAT: Readonly<Record<AgentPlatform, ExecutableFormat>> = {
  linux: 'elf',
  macos: 'mach-o',
  windows: 'pe',
};

/** The inspection port: `inspectExecutable` by default. */
export type InspectPort = (file: string) => Promise<Inspection>;

const HEAD_BYTES = 256;
const realpathNative = promisify(realpath.native);

/** Resolves `file`'s links and reads its first bytes; rejects if it cannot be read. */
export async function inspectExecutable(file: string): Promise<Inspection> {
  // `.native` asks the OS (GetFinalPathNameByHandle on Windows: long names, not PROGRA~1).
  const realPath = await realpathNative(file);
  const handle = await open(realPath, 'r');
  try {
    const head = Buffer.alloc(HEAD_BYTES);
    const { bytesRead } = await handle.read(head, 0, HEAD_BYTES, 0);
    const bytes = head.subarray(0, bytesRead);
    const format = formatOf(bytes);
    if (format === 'pe' && !(await hasPeSignature(bytes, handle))) return { realPath, format: 'other' };
    if (format !== 'script') return { realPath, format };
    return { realPath, format, interpreter: shebangProgram(bytes) };
  } finally {
    await handle.close();
  }
}

/** The format announced by a file's first bytes. */
export function formatOf(bytes: Uint8Array): ExecutableFormat {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (b.length >= 2 && b[0] === 0x23 && b[1] === 0x21) return 'script'; // "#!"
  if (b.length < 4) return 'other';
  const magic = b.readUInt32BE(0);
  if (magic === 0x7f454c46) return 'elf'; // "\x7fELF"
  // Mach-O 32/64-bit in either byte order.
  if ([0xfeedface, 0xfeedfacf, 0xcefaedfe, 0xcffaedfe].includes(magic)) return 'mach-o';
  // Universal ("fat") Mach-O. Java class files share 0xCAFEBABE; there the next word is
  // the class version (45 and up) where a fat header has its small architecture count.
  if ((magic === 0xcafebabe || magic === 0xcafebabf) && b.length >= 8) {
    const count = b.readUInt32BE(4);
    if (count > 0 && count < 45) return 'mach-o';
  }
  if (b[0] === 0x4d && b[1] === 0x5a) return 'pe'; // "MZ", confirmed by hasPeSignature
  return 'other';
}

/** "MZ" alone is also a DOS program; a PE image has "PE\0\0" where e_lfanew points. */
async function hasPeSignature(head: Buffer, handle: Awaited<ReturnType<typeof open>>): Promise<boolean> {
  if (head.length < 0x40) return false;
  const offset = head.readUInt32LE(0x3c);
  const signature = Buffer.alloc(4);
  const { bytesRead } = await handle.read(signature, 0, 4, offset);
  return bytesRead === 4 && signature.equals(Buffer.from('PE\0\0', 'latin1'));
}

/** `#!/usr/bin/env python3 -u` -> `/usr/bin/env`: the program the kernel runs. */
function shebangProgram(head: Buffer): string {
  const line = head.subarray(2).toString('latin1').split('\n')[0] ?? '';
  return line.trim().split(/\s+/)[0] ?? '';
}
