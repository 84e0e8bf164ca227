import { randomBytes } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';

/**
 * Writes `value` as JSON to `file` so a reader never sees half a file: a temporary file in
 * the same directory (mode 0600, only its user may read it), then a rename over the target.
 * `durable` also fsyncs before the rename, for state that must survive a power cut (keys,
 * job records); a status snapshot rewritten every few seconds does not need it.
 */
export async function writeJsonAtomic(file: string, value: unknown, options: { durable: boolean }): Promise<void> {
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const handle = await open(temp, 'wx', 0o600);
  try {
    await handle.writeFile(`${JSON.stringify(value, null, 2)}\n`, 'utf8');
    if (options.durable) await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}
