import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const RESULTS = fileURLToPath(new URL('results.json', import.meta.url));

/**
 * Writes one benchmark's figures under `key` in bench/results.json, keeping every other
 * top-level key as it was (each benchmark owns its own key).
 */
export async function recordResults(key: string, value: unknown): Promise<void> {
  let results: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(await readFile(RESULTS, 'utf8'));
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed))
      results = parsed as Record<string, unknown>;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  results[key] = value;
  await writeFile(RESULTS, `${JSON.stringify(results, null, 2)}\n`);
}
