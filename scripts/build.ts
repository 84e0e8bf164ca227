/**
 * Bundles each function of the registry on its own (dist/<name>/index.mjs from
 * functions/<name>.ts), the desktop agent (dist/agent/agent.mjs), and writes
 * dist/deployment.json, the functions and roles serverless.yml includes. One bundle per
 * Lambda keeps each cold start small; each folder is that function's whole artifact.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BuildOptions, build, type Plugin } from 'esbuild';
import { type FunctionSpec, maySendOnce } from '../lib/operations.ts';
import { builtinsViaRequire } from './builtins-via-require.ts';
import { deployedFunctions, deployment } from './deployment.ts';
import { writeReferencePages } from './reference/write.ts';

const root = fileURLToPath(new URL('..', import.meta.url));

// Bundled CommonJS dependencies (the Google clients) still call require() for Node's
// built-ins; an ESM bundle needs a real require for that.
const requireShim =
  "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);";

const common: BuildOptions = {
  // The AWS SDK clients are bundled too (ESM, tree-shaken, minified), as AWS advises for Node
  // cold starts: the runtime's own copy is CommonJS and loads whole packages at import.
  bundle: true,
  platform: 'node',
  // The ES module build of packages that ship both (the AWS SDK's dist-es): esbuild's node
  // default prefers `main` (CommonJS), which is neither tree-shaken nor importable by name
  // through await import().
  mainFields: ['module', 'main'],
  format: 'esm',
  target: 'node22',
  minify: true,
  keepNames: true,
  legalComments: 'none',
  banner: { js: requireShim },
  plugins: [builtinsViaRequire],
  // The MCP SDK's runtime shims without AJV (lib/mcp/sdk-shims.ts says why).
  alias: { '@modelcontextprotocol/server/_shims': './lib/mcp/sdk-shims.ts' },
  logLevel: 'warning',
};

/** A function's handler source, as its metafile names it (paths are relative to the project root). */
export function entrySource(name: string): string {
  return `functions/${name}.ts`;
}

/** Where esbuild's metafile of function `name` is written (outside the function's artifact folder). */
export function metafilePath(name: string, dist = join(root, 'dist')): string {
  return join(dist, 'metafiles', `${name}.json`);
}

/**
 * Leaves the idempotency layer (Powertools idempotency, ~50 KiB) out of a function that
 * cannot send once: the action runner (lib/http/run-action.ts) loads it only for an operation
 * declared `once`, which such a function never runs, so its import stays unresolved there.
 */
const withoutSendingOnce: Plugin = {
  name: 'without-sending-once',
  setup(build) {
    build.onResolve({ filter: /\/idempotency\.ts$/ }, (args) =>
      args.importer.endsWith(join('lib', 'http', 'run-action.ts')) ? { path: args.path, external: true } : undefined,
    );
  },
};

async function buildFunction(spec: FunctionSpec, dist: string): Promise<void> {
  const { name } = spec;
  const { metafile } = await build({
    ...common,
    plugins: maySendOnce(spec) ? [builtinsViaRequire] : [builtinsViaRequire, withoutSendingOnce],
    absWorkingDir: root,
    entryPoints: { index: entrySource(name) },
    outdir: join(dist, name),
    outExtension: { '.js': '.mjs' },
    // What a function loads only when first needed (await import(), e.g. the SSM client for
    // a secret) goes into its own chunk, so it is neither parsed nor run at import.
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    metafile: true,
  });
  await writeFile(metafilePath(name, dist), JSON.stringify(metafile));
}

/**
 * Builds every function bundle (with its metafile), the agent and deployment.json into
 * `dist` (the project's dist/ unless told otherwise); returns the function names.
 */
export async function buildAll(dist = join(root, 'dist')): Promise<string[]> {
  await rm(dist, { recursive: true, force: true });
  await mkdir(join(dist, 'metafiles'), { recursive: true });
  const names = deployedFunctions.map((spec) => spec.name);
  await Promise.all([
    writeFile(join(dist, 'deployment.json'), `${JSON.stringify(deployment(), null, 2)}\n`),
    ...deployedFunctions.map((spec) => buildFunction(spec, dist)),
    build({
      ...common,
      entryPoints: [join(root, 'agent', 'bin.ts')],
      outfile: join(dist, 'agent', 'agent.mjs'),
      // The agent runs on the user's own Node (20 or later, README), not on Lambda's.
      target: 'node20',
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
