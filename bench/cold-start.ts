import { execFileSync } from 'node:child_process';
import { mkdtemp, readdir, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, type Row } from './report.ts';

const dist = fileURLToPath(new URL('../dist/', import.meta.url));

/** Milliseconds a fresh Node process spends importing `file` (the module-init part of a cold start). */
function importMs(file: string): number {
  const script = `const t = performance.now(); await import(${JSON.stringify(file)}); process.stdout.write(String(performance.now() - t));`;
  return Number(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' }));
}

/**
 * Each function bundle's size and import time in a fresh process, against a hello-world
 * handler measured the same way in the same run (Lambda's own init is not included).
 */
export async function benchColdStart(repeats: number): Promise<Row[]> {
  const baselineFile = join(await mkdtemp(join(tmpdir(), 'bench-')), 'hello.mjs');
  await writeFile(baselineFile, 'export const handler = async () => ({ statusCode: 200, body: "hello" });\n');
  const baselineMs = median(Array.from({ length: repeats }, () => importMs(baselineFile)));
  const rows: Row[] = [];
  // One folder per function; the agent's bundle and dist/deployment.json are not functions.
  const entries = await readdir(dist, { withFileTypes: true });
  const names = entries.filter((entry) => entry.isDirectory() && entry.name !== 'agent').map((entry) => entry.name);
  for (const name of names.sort()) {
    const file = join(dist, name, 'index.mjs');
    const bytes = (await stat(file)).size;
    const ms = median(Array.from({ length: repeats }, () => importMs(file)));
    rows.push({
      name: `${name} bundle`,
      value: `${(bytes / 1024).toFixed(0)} KiB, import ${ms.toFixed(1)} ms`,
      baseline: `hello-world handler import ${baselineMs.toFixed(1)} ms`,
      ratio: ms / baselineMs,
    });
  }
  return rows;
}
