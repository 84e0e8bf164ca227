import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import AdmZip from 'adm-zip';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildAll } from '../../scripts/build.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const run = promisify(execFile);

type Resource = { Type: string; Properties: Record<string, any> };
let template: { Resources: Record<string, Resource> };
let packageDir: string;
let functionNames: string[];

/** Table actions each function's code performs, and nothing more. */
const TABLE_ACTIONS: Record<string, string[]> = {
  'email-send': [],
  'email-unread': [],
  'email-reply': [],
  'app-launch': ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query'],
  'app-job': ['dynamodb:GetItem'],
  'agent-register': ['dynamodb:PutItem'],
  'agent-pair': ['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
  'agent-poll': ['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:UpdateItem'],
  'agent-result': ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
  'chatgpt-functions': [],
  'chatgpt-call': [
    'dynamodb:DeleteItem',
    'dynamodb:GetItem',
    'dynamodb:PutItem',
    'dynamodb:Query',
    'dynamodb:UpdateItem',
  ],
  openapi: [],
  docs: [],
  root: [],
};
const SIGNS_JOBS = new Set(['app-launch', 'agent-register', 'chatgpt-call']);

function lambdaOf(name: string): Resource {
  const entry = Object.values(template.Resources).find(
    (resource) =>
      resource.Type === 'AWS::Lambda::Function' && String(resource.Properties.FunctionName).endsWith(`-${name}`),
  );
  if (!entry) throw new Error(`no Lambda for ${name}`);
  return entry;
}

function statementsOf(lambda: Resource): Array<{ Action: string[]; Resource: unknown }> {
  const roleName = lambda.Properties.Role['Fn::GetAtt'][0] as string;
  const role = template.Resources[roleName] as Resource;
  expect(role.Type).toBe('AWS::IAM::Role');
  return role.Properties.Policies.flatMap((policy: any) => policy.PolicyDocument.Statement);
}

beforeAll(async () => {
  functionNames = await buildAll();
  packageDir = await mkdtemp(join(tmpdir(), 'broker-package-'));
  await run(
    process.execPath,
    [join(root, 'node_modules/serverless/bin/serverless.js'), 'package', '--stage', 'ci', '--package', packageDir],
    {
      cwd: root,
      // Packaging talks to no AWS service, but the framework wants credentials to exist.
      env: {
        ...process.env,
        SLS_TELEMETRY_DISABLED: '1',
        AWS_ACCESS_KEY_ID: 'packaging',
        AWS_SECRET_ACCESS_KEY: 'packaging',
        JOB_SIGNING_KEY: '',
      },
    },
  );
  template = JSON.parse(await readFile(join(packageDir, 'cloudformation-template-update-stack.json'), 'utf8'));
}, 120_000);

describe('serverless package', () => {
  it('declares every function, on arm64 and nodejs22.x, behind its HTTP API route', () => {
    expect(Object.keys(TABLE_ACTIONS).sort()).toEqual([...functionNames].sort());
    for (const name of functionNames) {
      const lambda = lambdaOf(name);
      expect(lambda.Properties.Runtime, name).toBe('nodejs22.x');
      expect(lambda.Properties.Architectures, name).toEqual(['arm64']);
      expect(lambda.Properties.Handler, name).toBe(`dist/${name}/index.handler`);
    }
    const routes = Object.values(template.Resources).filter((resource) => resource.Type === 'AWS::ApiGatewayV2::Route');
    expect(routes).toHaveLength(functionNames.length);
  });

  it('gives each function its own role, allowed only the table actions its code performs', () => {
    const roles = new Set<string>();
    for (const name of functionNames) {
      const lambda = lambdaOf(name);
      roles.add(lambda.Properties.Role['Fn::GetAtt'][0]);
      const statements = statementsOf(lambda);
      const tableActions = statements
        .flatMap((statement) => statement.Action)
        .filter((action) => action.startsWith('dynamodb:'));
      expect(tableActions.sort(), name).toEqual(TABLE_ACTIONS[name]);
      for (const statement of statements) {
        expect(
          statement.Action.some((action) => action.endsWith('*')),
          `${name} has a wildcard action`,
        ).toBe(false);
        expect(statement.Resource, `${name} has a wildcard resource`).not.toBe('*');
      }
      const readsKey = statements.some((statement) => statement.Action.includes('ssm:GetParameter'));
      expect(readsKey, `${name} reads the signing key`).toBe(SIGNS_JOBS.has(name));
    }
    expect(roles.size).toBeGreaterThan(1);
  });

  it('keeps the signing key out of the template: functions get the parameter name only', () => {
    const text = JSON.stringify(template);
    expect(text).not.toMatch(/PRIVATE KEY/);
    const environment = lambdaOf('app-launch').Properties.Environment.Variables;
    expect(environment.JOB_SIGNING_KEY_PARAMETER).toBe('/chatgpt-broker/ci/job-signing-key');
    expect(environment.JOB_SIGNING_KEY).toBe('');
  });

  it('creates the table on demand with TTL on the ttl attribute', () => {
    const tables = Object.values(template.Resources).filter((resource) => resource.Type === 'AWS::DynamoDB::Table');
    expect(tables).toHaveLength(1);
    const table = tables[0] as Resource;
    expect(table.Properties.BillingMode).toBe('PAY_PER_REQUEST');
    expect(table.Properties.TimeToLiveSpecification).toEqual({ AttributeName: 'ttl', Enabled: true });
    expect(table.Properties.KeySchema.map((key: { AttributeName: string }) => key.AttributeName)).toEqual(['pk', 'sk']);
  });

  it('builds one artifact per function holding only its own bundle', async () => {
    const zips = (await readdir(packageDir)).filter((file) => file.endsWith('.zip'));
    expect(zips.map((file) => file.replace(/\.zip$/, '')).sort()).toEqual([...functionNames].sort());
    for (const name of functionNames) {
      const entries = new AdmZip(join(packageDir, `${name}.zip`)).getEntries().filter((entry) => !entry.isDirectory);
      expect(
        entries.map((entry) => entry.entryName),
        name,
      ).toEqual([`dist/${name}/index.mjs`]);
      expect((await stat(join(packageDir, `${name}.zip`))).size, name).toBeLessThan(1024 * 1024);
    }
  });
});
