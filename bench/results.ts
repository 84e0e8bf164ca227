import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

/** `bench/results.json`: one object; each benchmark owns its top-level keys. */
export const RESULTS_FILE = fileURLToPath(new URL('./results.json', import.meta.url));

/**
 * Writes `figures` into bench/results.json, keeping every other top-level key (other
 * benchmarks write theirs): read, merge, write.
 */
export async function mergeResults(figures: Record<string, unknown>): Promise<void> {
  const current = existsSync(RESULTS_FILE) ? (JSON.parse(await readFile(RESULTS_FILE, 'utf8')) as object) : {};
  await writeFile(RESULTS_FILE, `${JSON.stringify({ ...current, ...figures }, null, 2)}\n`);
}
