import type { Metafile } from 'esbuild';

/** The npm package a bundled input file comes from (`@scope/name` or `name`), or undefined for our own code. */
function packageOf(input: string): string | undefined {
  const match = /.*node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input);
  return match?.[1];
}

/**
 * What a function bundle built with splitting runs when it is imported, against what it
 * loads only later (through `await import()`): the bundled input files in the entry file
 * and in the chunks it imports statically, and those only in the rest of its chunks. Read
 * from esbuild's metafile of that one function's build (paths relative to the project root).
 */
export function bundleInputs(metafile: Metafile, entrySource: string): { atImport: Set<string>; later: Set<string> } {
  const outputs = metafile.outputs;
  // Each await import() target is an entry point of its own too: pick the handler's.
  const entry = Object.keys(outputs).find((file) => outputs[file]?.entryPoint === entrySource);
  if (!entry) throw new Error(`The metafile has no output for ${entrySource}.`);
  const loaded = new Set<string>();
  const pending = [entry];
  for (let file = pending.pop(); file !== undefined; file = pending.pop()) {
    if (loaded.has(file)) continue;
    loaded.add(file);
    for (const dependency of outputs[file]?.imports ?? []) {
      if (!dependency.external && dependency.kind === 'import-statement') pending.push(dependency.path);
    }
  }
  const atImport = new Set<string>();
  const later = new Set<string>();
  for (const [file, output] of Object.entries(outputs)) {
    for (const input of Object.keys(output.inputs)) (loaded.has(file) ? atImport : later).add(input);
  }
  for (const input of atImport) later.delete(input);
  return { atImport, later };
}

/** The same split by npm package (`@scope/name` or `name`); our own code is left out. */
export function bundlePackages(metafile: Metafile, entrySource: string): { atImport: Set<string>; later: Set<string> } {
  const inputs = bundleInputs(metafile, entrySource);
  const packages = (files: Set<string>) =>
    new Set([...files].map(packageOf).filter((name): name is string => name !== undefined));
  const atImport = packages(inputs.atImport);
  const later = packages(inputs.later);
  for (const name of atImport) later.delete(name);
  return { atImport, later };
}

/** Whether a package is the AWS SDK for JavaScript v3's client stack: a service client or the Smithy runtime under it. */
export function isSdkClient(name: string): boolean {
  return name.startsWith('@aws-sdk/client-') || name === '@aws-sdk/lib-dynamodb' || name.startsWith('@smithy/');
}

/**
 * Whether a package is code for calling AWS at all: the SDK's (clients, Smithy, crypto,
 * util-dynamodb's marshalling) or aws4fetch, the SigV4 signer lib/aws calls AWS with.
 */
export function isAwsCode(name: string): boolean {
  return (
    name.startsWith('@aws-sdk/') ||
    name.startsWith('@smithy/') ||
    name.startsWith('@aws-crypto') ||
    name === 'aws4fetch'
  );
}
