import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { chmod, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { endpoints, operations } from '#lib/operations';
import { startLocalSsm } from '../../local/ssm.ts';
import { secretsInUse } from '../../scripts/deploy/preflight.ts';
import { secretParameter } from '../../scripts/deployment.ts';
import { queryError, startAwsQueryStandIn } from '../support/aws-query.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const run = promisify(execFile);
const STAGE = 'preflight';
const REGION = 'eu-west-1';
const API_URL = 'https://abc123.execute-api.eu-west-1.amazonaws.com';

let parameters: Record<string, string>;
let types: Record<string, string>;
let work: string;
/** What the fake `serverless` on PATH was asked to do, one JSON line per call. */
let serverlessLog: string;
const servers: { endpoint: string; close(): Promise<void> }[] = [];
let env: Record<string, string>;

function serverlessCalls(): { args: string[]; publicUrl: string | null; alarmEmail: string | null }[] {
  return readFileSync(serverlessLog, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line));
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'deploy-preflight-'));
  serverlessLog = join(work, 'serverless.log');
  // The serverless CLI is the process boundary of a deploy: a fake one records its calls.
  await writeFile(
    join(work, 'serverless'),
    `#!/usr/bin/env node\nrequire('fs').appendFileSync(${JSON.stringify(serverlessLog)}, JSON.stringify({ args: process.argv.slice(2), publicUrl: process.env.PUBLIC_URL ?? null, alarmEmail: process.env.ALARM_EMAIL ?? null }) + '\\n');\n`,
  );
  await chmod(join(work, 'serverless'), 0o755);
  const sts = await startAwsQueryStandIn(() => ({
    status: 200,
    xml: '<GetCallerIdentityResponse><GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/dev</Arn><UserId>AIDA</UserId><Account>123456789012</Account></GetCallerIdentityResult></GetCallerIdentityResponse>',
  }));
  // The stack exists once serverless has deployed it.
  const cloudformation = await startAwsQueryStandIn(() => {
    if (serverlessCalls().length === 0)
      return queryError('ValidationError', `Stack with id chatgpt-broker-${STAGE} does not exist`);
    return {
      status: 200,
      xml: `<DescribeStacksResponse><DescribeStacksResult><Stacks><member><StackName>chatgpt-broker-${STAGE}</StackName><StackStatus>CREATE_COMPLETE</StackStatus><CreationTime>2026-12-04T00:00:00Z</CreationTime><Outputs><member><OutputKey>HttpApiUrl</OutputKey><OutputValue>${API_URL}</OutputValue></member></Outputs></member></Stacks></DescribeStacksResult></DescribeStacksResponse>`,
    };
  });
  const ssm = await startLocalSsm({
    get parameters() {
      return parameters;
    },
    get types() {
      return types;
    },
  });
  servers.push(sts, cloudformation, ssm);
  env = {
    PATH: `${work}:${process.env.PATH}`,
    HOME: work,
    AWS_ACCESS_KEY_ID: 'AKIDPREFLIGHT',
    AWS_SECRET_ACCESS_KEY: 'preflight-secret',
    AWS_CONFIG_FILE: join(work, 'no-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(work, 'no-credentials'),
    // No instance metadata lookups: every AWS call of the script stays on loopback.
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_ENDPOINT_URL_STS: sts.endpoint,
    AWS_ENDPOINT_URL_SSM: ssm.endpoint,
    AWS_ENDPOINT_URL_CLOUDFORMATION: cloudformation.endpoint,
    GOOGLE_CLIENT_ID: 'preflight.apps.googleusercontent.com',
  };
});

afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
});

beforeEach(async () => {
  parameters = Object.fromEntries(secretsInUse().map((secret) => [secretParameter(secret, STAGE), 'value']));
  types = {};
  await writeFile(serverlessLog, '');
});

/** Runs `npm run deploy`'s script with `args`, in `env` changed by `change` (undefined removes). */
async function deploy(args: string[], change: Record<string, string | undefined> = {}) {
  const merged = Object.fromEntries(
    Object.entries({ ...env, ...change }).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
  try {
    const { stdout, stderr } = await run('node_modules/.bin/tsx', ['scripts/deploy.ts', ...args], {
      cwd: root,
      env: merged,
    });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, output: failed.stdout + failed.stderr };
  }
}

const TARGET = ['--stage', STAGE, '--region', REGION];

describe('npm run deploy checks before it deploys', () => {
  it('without GOOGLE_CLIENT_ID, stops and says how to set it', async () => {
    const { code, output } = await deploy(TARGET, { GOOGLE_CLIENT_ID: undefined });
    expect(code).toBe(1);
    expect(output).toContain('GOOGLE_CLIENT_ID is not set');
    expect(output).toContain('export GOOGLE_CLIENT_ID=');
    expect(serverlessCalls()).toEqual([]);
  });

  it('without AWS credentials, stops and says how to set them', async () => {
    const { code, output } = await deploy(TARGET, { AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined });
    expect(code).toBe(1);
    expect(output).toContain('No AWS credentials were found.');
    expect(output).toContain('aws configure');
    expect(serverlessCalls()).toEqual([]);
  });

  it.each(secretsInUse())('without the %s parameter, stops and prints the command that creates it', async (secret) => {
    const name = secretParameter(secret, STAGE);
    delete parameters[name];
    const { code, output } = await deploy(TARGET);
    expect(code).toBe(1);
    expect(output).toContain(`The parameter ${name} does not exist.`);
    expect(output).toContain(`aws ssm put-parameter --region ${REGION} --type SecureString --name ${name}`);
    expect(serverlessCalls()).toEqual([]);
  });

  it('refuses a parameter that is not a SecureString, and says how to replace it', async () => {
    const name = secretParameter('google_client_secret', STAGE);
    types[name] = 'String';
    const { code, output } = await deploy(TARGET);
    expect(code).toBe(1);
    expect(output).toContain(`The parameter ${name} is a String, not a SecureString.`);
    expect(output).toContain(`aws ssm delete-parameter --region ${REGION} --name ${name}`);
    expect(serverlessCalls()).toEqual([]);
  });

  it("never prints a parameter's value", async () => {
    const secret = 'GOCSPX-never-printed';
    parameters = Object.fromEntries(Object.keys(parameters).map((name) => [name, secret]));
    const { output } = await deploy([...TARGET, '--check']);
    expect(output).not.toContain(secret);
  });

  it('with everything in place, --check says so and deploys nothing', async () => {
    const { code, output } = await deploy([...TARGET, '--check']);
    expect(code).toBe(0);
    expect(output).toContain(`AWS account 123456789012, region ${REGION}`);
    expect(serverlessCalls()).toEqual([]);
  });

  it('a first deploy deploys again with PUBLIC_URL from the new API, then prints what to paste where', async () => {
    const { code, output } = await deploy(TARGET);
    expect(code).toBe(0);
    const calls = serverlessCalls();
    expect(calls.map((call) => call.alarmEmail)).toEqual([null, null]);
    expect(calls.map((call) => call.args)).toEqual([
      ['deploy', ...TARGET],
      ['deploy', ...TARGET],
    ]);
    expect(calls.map((call) => call.publicUrl)).toEqual([null, API_URL]);
    for (const path of [
      operations.get_openapi_document.path,
      '/mcp',
      endpoints.google_callback.routes[0]?.path ?? 'missing',
    ]) {
      expect(output).toContain(`${API_URL}${path}`);
    }
  });

  it('a later deploy deploys once, with PUBLIC_URL from the stack and the alarms address given', async () => {
    await writeFile(serverlessLog, `${JSON.stringify({ args: ['deploy'], publicUrl: null, alarmEmail: null })}\n`);
    const { code } = await deploy([...TARGET, '--alarm-email', 'ops@example.com']);
    expect(code).toBe(0);
    expect(serverlessCalls().slice(1)).toEqual([
      { args: ['deploy', ...TARGET], publicUrl: API_URL, alarmEmail: 'ops@example.com' },
    ]);
  });
});
