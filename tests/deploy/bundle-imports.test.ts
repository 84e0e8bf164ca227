import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FunctionSpec, maySendOnce } from '#lib/operations';
import { buildAll, entrySource, metafilePath } from '../../scripts/build.ts';
import { bundleInputs, bundlePackages, isAwsCode, isSdkClient } from '../../scripts/bundle-imports.ts';
import { deployedFunctions } from '../../scripts/deployment.ts';

/** Whether the registry says the function calls AWS at all: the table, a secret in SSM, `@connections`, KMS. */
function declaresAws(spec: FunctionSpec): boolean {
  return [spec.table, spec.secrets, spec.connections, spec.tokenKey ?? []].some((uses) => uses.length > 0);
}

// Its own build folder: the package test rebuilds dist/ at the same time.
let dist: string;
const packages = new Map<string, ReturnType<typeof bundlePackages>>();
const inputs = new Map<string, ReturnType<typeof bundleInputs>>();

beforeAll(async () => {
  dist = await mkdtemp(join(tmpdir(), 'bundle-imports-'));
  await buildAll(dist);
  for (const spec of deployedFunctions) {
    const metafile = JSON.parse(await readFile(metafilePath(spec.name, dist), 'utf8'));
    packages.set(spec.name, bundlePackages(metafile, entrySource(spec.name)));
    inputs.set(spec.name, bundleInputs(metafile, entrySource(spec.name)));
  }
}, 300_000);

afterAll(() => rm(dist, { recursive: true, force: true }));

function packagesOf(name: string) {
  const found = packages.get(name);
  if (!found) throw new Error(`no metafile for ${name}`);
  return found;
}

function inputsOf(name: string) {
  const found = inputs.get(name);
  if (!found) throw new Error(`no metafile for ${name}`);
  return [found.atImport, found.later].map((files) => [...files]) as [string[], string[]];
}

describe('what each function bundle loads at import', () => {
  const withoutAws = deployedFunctions.filter((spec) => !declaresAws(spec));
  const withTable = deployedFunctions.filter((spec) => spec.table.length > 0);
  const secretsOnly = deployedFunctions.filter(
    (spec) => spec.secrets.length > 0 && spec.table.length === 0 && spec.connections.length === 0 && !spec.tokenKey,
  );

  it('covers both kinds of function', () => {
    expect(withoutAws.length).toBeGreaterThan(0);
    expect(withTable.length).toBeGreaterThan(0);
    expect(secretsOnly.length).toBeGreaterThan(0);
  });

  it.each(withoutAws.map((spec) => spec.name))('%s declares no AWS use and loads no AWS code at import', (name) => {
    const { atImport } = packagesOf(name);
    expect(atImport.size, 'the bundle has packages at all').toBeGreaterThan(0);
    expect([...atImport].filter(isAwsCode)).toEqual([]);
  });

  // The SDK's clients cost 45-48 ms of import (DynamoDB); lib/aws signs with aws4fetch instead.
  it.each(deployedFunctions.map((spec) => spec.name))('%s bundles no AWS SDK client or Smithy runtime', (name) => {
    const { atImport, later } = packagesOf(name);
    expect([...atImport, ...later].filter(isSdkClient)).toEqual([]);
  });

  // call_tool reaches the table only through a tool's action, loaded on the tool's first call;
  // an operation that sends once only through sending once, loaded on its first send.
  const throughTools = new Set([
    'call_tool',
    ...deployedFunctions.filter((spec) => 'once' in spec && spec.once).map((spec) => spec.name),
  ]);

  it.each(withTable.filter((spec) => !throughTools.has(spec.name)).map((spec) => spec.name))(
    '%s uses the table: aws4fetch and the DynamoDB marshaller at import',
    (name) => {
      const { atImport } = packagesOf(name);
      expect([...atImport]).toEqual(expect.arrayContaining(['aws4fetch', '@aws-sdk/util-dynamodb']));
    },
  );

  it.each([...throughTools])(
    '%s uses the table through what it loads later: AWS code bundled for it, none at import',
    (name) => {
      const { atImport, later } = packagesOf(name);
      expect([...later]).toEqual(expect.arrayContaining(['aws4fetch', '@aws-sdk/util-dynamodb']));
      expect([...atImport].filter(isAwsCode)).toEqual([]);
    },
  );

  it.each(secretsOnly.map((spec) => spec.name))(
    '%s reads secrets: the signed call to SSM is loaded on first use, not at import',
    (name) => {
      const { atImport, later } = packagesOf(name);
      expect(later).toContain('aws4fetch');
      expect([...atImport].filter(isAwsCode)).toEqual([]);
    },
  );
});

describe('the idempotency layer', () => {
  const cannot = deployedFunctions.filter((spec) => !maySendOnce(spec));
  const sends = deployedFunctions.filter((spec) => 'once' in spec && spec.once);

  it.each(cannot.map((spec) => spec.name))('is left out of %s, whose role cannot send once', (name) => {
    expect(inputsOf(name).flat()).not.toContain('lib/idempotency.ts');
  });

  it.each(sends.map((spec) => spec.name))('is loaded by %s on its first send, not at import', (name) => {
    const [atImport, later] = inputsOf(name);
    expect(atImport).not.toContain('lib/idempotency.ts');
    expect(later).toContain('lib/idempotency.ts');
  });
});

describe('the tool runners load a tool’s code when the tool is first called', () => {
  // What only some tools need: the tools' own actions, MIME composition (sends, replies,
  // drafts), body parsing, and the idempotency layer of sends.
  const toolsOnly = [
    /^lib\/actions\/(mail|computers)\//,
    /^node_modules\/nodemailer\/.*\/(mail-composer|mime-node)\//,
    /^node_modules\/postal-mime\//,
    /^node_modules\/htmlparser2\//,
    /^node_modules\/entities\//,
    /^node_modules\/@aws-lambda-powertools\/idempotency\//,
    /^lib\/idempotency\.ts$/,
  ];

  it.each(['mcp', 'call_tool'])('%s imports none of it, and bundles it for the first call', (name) => {
    const [atImport, later] = inputsOf(name);
    for (const pattern of toolsOnly)
      expect(
        atImport.filter((input) => pattern.test(input)),
        `${pattern}`,
      ).toEqual([]);
    expect(later).toContain('lib/actions/mail/send_email.ts');
    expect(later).toContain('lib/actions/computers/launch_app.ts');
    expect(later.some((input) => /^node_modules\/nodemailer\/.*\/mail-composer\//.test(input))).toBe(true);
  });

  it('mcp loads the MCP SDK on the first protocol request and the views’ pages on first read, and bundles no AJV', () => {
    const [atImport, later] = inputsOf('mcp');
    const sdk = (input: string) => input.startsWith('node_modules/@modelcontextprotocol/server/');
    expect(atImport.filter(sdk)).toEqual([]);
    expect(later.some(sdk)).toBe(true);
    expect(atImport.filter((input) => /^lib\/views\/(?!catalog\.ts$)/.test(input))).toEqual([]);
    expect(later).toContain('lib/views/inbox.ts');
    // The SDK's Node shim would import its AJV provider; the build gives it lib/mcp/sdk-shims.ts.
    expect([...atImport, ...later].filter((input) => /ajv/i.test(input))).toEqual([]);
    expect(later).toContain('lib/mcp/sdk-shims.ts');
  });
});

describe('a mail function loads what only some requests need when one needs it', () => {
  it('send_email loads the HTML-to-text converter (htmlparser2, entities) for an HTML body only', () => {
    const [atImport, later] = inputsOf('send_email');
    const converter = (input: string) => /^node_modules\/(htmlparser2|entities)\//.test(input);
    expect(atImport.filter(converter)).toEqual([]);
    expect(later.some(converter)).toBe(true);
  });
});

/**
 * Google's client stack cost each mail function ~350 KiB and ~55 ms of import (gaxios alone
 * 27 ms); lib/gmail/rest/ speaks Gmail's REST API over global fetch instead.
 */
const GOOGLE_CLIENT_STACK = new Set([
  '@googleapis/gmail',
  'googleapis-common',
  'google-auth-library',
  'gaxios',
  'gtoken',
  'gcp-metadata',
]);

describe("Google's client stack", () => {
  it.each(deployedFunctions.map((spec) => spec.name))('%s bundles none of it, at import or later', (name) => {
    const { atImport, later } = packagesOf(name);
    expect([...atImport, ...later].filter((name) => GOOGLE_CLIENT_STACK.has(name))).toEqual([]);
  });
});
