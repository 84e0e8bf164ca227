/**
 * Bundles each function of the registry on its own (dist/<name>/index.mjs from
 * functions/<name>.ts), the desktop agent (dist/agent/agent.mjs), and writes
 * dist/deployment.json, the functions and roles serverless.yml includes. One bundle per
 * Lambda keeps each cold start small; each folder is that function's whole artifact.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BuildOptions, build } from 'esbuild';
import { deployedFunctions, deployment } from './deployment.ts';
import { writeReferencePages } from './reference/write.ts';

const root = fileURLToPath(new URL('..', import.meta.url));

// Bundled CommonJS dependencies (the Google clients) still call require() for Node's
// built-ins; an ESM bundle needs a real require for that.
const requireShim =
  "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);";

const common: BuildOptions = {
  // Lambda's nodejs22.x runtime ships AWS SDK v3; bundling it again only slows cold starts.
  external: ['@aws-sdk/*'],
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  minify: true,
  keepNames: true,
  legalComments: 'none',
  banner: { js: requireShim },
  logLevel: 'warning',
};

/** Builds every function bundle, the agent and dist/deployment.json; returns the function names. */
export async function buildAll(): Promise<string[]> {
  await rm(join(root, 'dist'), { recursive: true, force: true });
  await mkdir(join(root, 'dist'), { recursive: true });
  const names = deployedFunctions.map((spec) => spec.name);
  await Promise.all([
    writeFile(join(root, 'dist', 'deployment.json'), `${JSON.stringify(deployment(), null, 2)}\n`),
    ...names.map((name) =>
      build({
        ...common,
        entryPoints: [join(root, 'functions', `${name}.ts`)],
        outfile: join(root, 'dist', name, 'index.mjs'),
      }),
    ),
    build({
      ...common,
      entryPoints: [join(root, 'agent', 'bin.ts')],
      outfile: join(root, 'dist', 'agent', 'agent.mjs'),
      minify: false,
    }),
  ]);
  return names;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const started = Date.now();
  const names = await buildAll();
  const pages = await writeReferencePages(root);
  console.log(`Built ${names.length} functions and the agent into dist/ in ${Date.now() - started} ms`);
  console.log(`Wrote the reference pages generated from the code: ${pages.join(', ')}`);
}
