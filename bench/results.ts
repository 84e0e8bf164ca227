import { readFile, rename, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

/** The benchmark figures other tools read: one JSON object, each benchmark under its own key. */
export const RESULTS_FILE = fileURLToPath(new URL('./results.json', import.meta.url));

/**
 * Writes one benchmark's figures under `key`, keeping every other key (other benchmarks
 * write theirs into the same file): read, merge, write to a temporary file, rename.
 */
export async function recordResult(key: string, value: unknown): Promise<void> {
  let current: Record<string, unknown> = {};
  try {
    current = JSON.parse(await readFile(RESULTS_FILE, 'utf8')) as Record<string, unknown>;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const temporary = `${RESULTS_FILE}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify({ ...current, [key]: value }, null, 2)}\n`);
  await rename(temporary, RESULTS_FILE);
}
