/**
 * `npm run build:agent-sea`: the desktop agent as one executable for this computer's
 * platform, through Node's single executable applications (node --experimental-sea-config
 * and postject): dist/agent-sea/<AGENT_PROGRAM> (.exe on Windows). It is this Node
 * binary with the agent injected, so it is as large as Node itself and needs nothing
 * installed. Other platforms: run this script there (see docs/agent.md).
 */
import { execFile } from 'node:child_process';
import { copyFile, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { AGENT_PROGRAM } from '../lib/agent-wire/protocol.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const outDir = join(root, 'dist', 'agent-sea');
const run = promisify(execFile);
/** The fuse Node's binary carries for SEA (from Node's documentation of the feature). */
const SEA_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';

export async function buildAgentExecutable(): Promise<{ file: string; bytes: number }> {
  await rm(outDir, { recursive: true, force: true });
  await mkdir(outDir, { recursive: true });
  const script = join(outDir, 'agent.cjs');
  // SEA runs one CommonJS script with only Node's built-ins: bundle everything into it.
  await build({
    entryPoints: [join(root, 'agent', 'bin.ts')],
    outfile: script,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    minify: true,
    keepNames: true,
    legalComments: 'none',
    logLevel: 'warning',
  });
  const blob = join(outDir, 'sea-prep.blob');
  const config = join(outDir, 'sea-config.json');
  await writeFile(
    config,
    JSON.stringify({ main: script, output: blob, disableExperimentalSEAWarning: true, useCodeCache: true }),
  );
  await run(process.execPath, ['--experimental-sea-config', config]);

  const file = join(outDir, process.platform === 'win32' ? `${AGENT_PROGRAM}.exe` : AGENT_PROGRAM);
  await copyFile(process.execPath, file);
  if (process.platform === 'darwin') await run('codesign', ['--remove-signature', file]);
  // postject is CommonJS without types; its one export is inject().
  const { inject } = createRequire(import.meta.url)('postject') as {
    inject(file: string, name: string, data: Buffer, options: object): Promise<void>;
  };
  await inject(file, 'NODE_SEA_BLOB', await readFile(blob), {
    sentinelFuse: SEA_FUSE,
    ...(process.platform === 'darwin' ? { machoSegmentName: 'NODE_SEA' } : {}),
  });
  if (process.platform === 'darwin') await run('codesign', ['--sign', '-', file]);
  await Promise.all([rm(blob), rm(config)]);
  return { file, bytes: (await stat(file)).size };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const started = Date.now();
  const { file, bytes } = await buildAgentExecutable();
  console.log(`Built ${file} (${(bytes / 1e6).toFixed(1)} MB) in ${Date.now() - started} ms`);
}
