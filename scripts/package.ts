/**
 * `npm run package [-- --stage S]`: builds, packages the stage with serverless (offline,
 * no upload; any credentials will do), and says what it wrote where.
 */
import { spawn } from 'node:child_process';
import { readdir, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildAll } from './build.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = join(root, '.serverless');

await buildAll();
const code = await new Promise<number | null>((resolve, reject) => {
  const child = spawn('serverless', ['package', ...process.argv.slice(2)], {
    cwd: root,
    stdio: 'inherit',
    env: {
      ...process.env,
      // Packaging calls no AWS service, but the framework wants credentials to exist.
      AWS_ACCESS_KEY_ID: process.env.AWS_ACCESS_KEY_ID ?? 'packaging',
      AWS_SECRET_ACCESS_KEY: process.env.AWS_SECRET_ACCESS_KEY ?? 'packaging',
    },
  });
  child.once('error', reject);
  child.once('exit', resolve);
});
if (code !== 0) process.exit(code ?? 1);

const zips = (await readdir(out)).filter((file) => file.endsWith('.zip')).sort();
const sizes = await Promise.all(zips.map(async (file) => (await stat(join(out, file))).size));
const total = sizes.reduce((sum, size) => sum + size, 0);
console.log(
  `\nWrote ${zips.length} function zips (${(total / 1024).toFixed(0)} KB in all) and the CloudFormation templates to ${relative(process.cwd(), out) || '.'}/:`,
);
for (const [index, file] of zips.entries()) {
  console.log(`  ${file.padEnd(40)} ${((sizes[index] ?? 0) / 1024).toFixed(0).padStart(5)} KB`);
}
