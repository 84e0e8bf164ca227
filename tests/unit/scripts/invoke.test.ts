import { execFile } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { allFunctions, operations } from '#lib/operations';
import { deployedFunctions, deployedName } from '../../../scripts/deployment.ts';
import { buildHttpEvent } from '../../../scripts/invoke/event.ts';
import { decodeInvokeResult, failed } from '../../../scripts/invoke/lambda.ts';
import { LOCAL_ENDPOINT, parseData, parseInvokeArgs, UsageError } from '../../../scripts/invoke/options.ts';

const root = new URL('../../../', import.meta.url);
const run = promisify(execFile);
const NOW = new Date('2026-11-02T09:15:00Z');

describe('the functions folder', () => {
  it('holds one handler per registry function (operations, endpoints, WebSocket routes), named as it', async () => {
    const files = (await readdir(fileURLToPath(new URL('functions/', root))))
      .filter((file) => file.endsWith('.ts'))
      .map((file) => file.slice(0, -3));
    expect(files.sort()).toEqual(deployedFunctions.map((spec) => spec.name).sort());
  });
});

describe('buildHttpEvent', () => {
  it('builds an HTTP API v2 event with a JSON body and the bearer token for POST routes', () => {
    const event = buildHttpEvent({
      operation: operations.get_unread_emails,
      data: { limit: 2 },
      token: 'demo-token',
      now: NOW,
    });
    expect(event).toMatchObject({
      version: '2.0',
      routeKey: 'POST /api/email/unread',
      rawPath: '/api/email/unread',
      rawQueryString: '',
      headers: { 'content-type': 'application/json', authorization: 'Bearer demo-token' },
      requestContext: {
        http: { method: 'POST', path: '/api/email/unread' },
        stage: '$default',
        timeEpoch: NOW.getTime(),
      },
      body: '{"limit":2}',
      isBase64Encoded: false,
    });
  });

  it('fills GET path templates and puts the rest in the query string', () => {
    const event = buildHttpEvent({
      operation: operations.get_launch_status,
      data: { job_id: 'job_12345678', verbose: true },
    });
    expect(event.rawPath).toBe('/api/app/jobs/job_12345678');
    expect(event.routeKey).toBe('GET /api/app/jobs/{job_id}');
    expect(event.pathParameters).toEqual({ job_id: 'job_12345678' });
    expect(event.queryStringParameters).toEqual({ verbose: 'true' });
    expect(event.rawQueryString).toBe('verbose=true');
    expect(event.body).toBeUndefined();
    expect(event.headers.authorization).toBeUndefined();
  });

  it('says which path parameter is missing', () => {
    expect(() => buildHttpEvent({ operation: operations.get_launch_status, data: {} })).toThrow(/job_id/);
  });
});

describe('parseInvokeArgs', () => {
  it('targets serverless-offline’s dev stage by default, with the token from BROKER_TOKEN', () => {
    expect(parseInvokeArgs(['get_unread_emails', '--data', '{"limit":1}'], { BROKER_TOKEN: 'tok' })).toEqual({
      help: false,
      function: 'get_unread_emails',
      data: '{"limit":1}',
      stage: 'dev',
      region: 'us-east-1',
      endpoint: LOCAL_ENDPOINT,
      token: 'tok',
    });
  });

  it('targets the deployed stage on AWS when only --stage is given', () => {
    const parsed = parseInvokeArgs(['send_email', '--stage', 'prod', '--region', 'eu-west-1', '--token', 'T']);
    expect(parsed).toMatchObject({ stage: 'prod', region: 'eu-west-1', endpoint: undefined, token: 'T' });
  });

  it('keeps the local port with --local, and takes --endpoint as given', () => {
    expect(parseInvokeArgs(['root', '--stage', 'test', '--local'])).toMatchObject({
      stage: 'test',
      endpoint: LOCAL_ENDPOINT,
    });
    expect(parseInvokeArgs(['root', '--endpoint', 'http://127.0.0.1:4002'])).toMatchObject({
      endpoint: 'http://127.0.0.1:4002',
    });
  });

  it('answers help, and usage errors for what it cannot run', () => {
    expect(parseInvokeArgs(['--help'])).toEqual({ help: true });
    expect(() => parseInvokeArgs([])).toThrow(UsageError);
    expect(() => parseInvokeArgs(['root', '--bogus'])).toThrow(UsageError);
    expect(() => parseInvokeArgs(['root', '--data', '{}', '--file', 'x.json'])).toThrow(/not both/);
    expect(() => parseInvokeArgs(['root', 'extra'])).toThrow(/unexpected/);
  });
});

describe('npm run invoke', () => {
  it('lists every function of the registry in its help, by how it is reached', async () => {
    const { stdout } = await run('node_modules/.bin/tsx', ['scripts/invoke.ts', '--help'], {
      cwd: fileURLToPath(root),
    });
    for (const spec of allFunctions) expect(stdout, spec.name).toContain(spec.name);
  });

  it('says how to set AWS credentials when a deployed stage is called without them', async () => {
    const failure = await run('node_modules/.bin/tsx', ['scripts/invoke.ts', 'service_info', '--stage', 'prod'], {
      cwd: fileURLToPath(root),
      env: {
        PATH: process.env.PATH,
        HOME: fileURLToPath(root),
        AWS_CONFIG_FILE: join(fileURLToPath(root), 'no-such-config'),
        AWS_SHARED_CREDENTIALS_FILE: join(fileURLToPath(root), 'no-such-credentials'),
        // No instance metadata lookup: the test stays on this machine.
        AWS_EC2_METADATA_DISABLED: 'true',
      },
    }).catch((error: { code: number; stderr: string }) => error);
    expect(failure).toMatchObject({ code: 1 });
    expect((failure as { stderr: string }).stderr).toContain(
      'invoke: no AWS credentials to call stage prod on AWS: run "aws configure" or set AWS_PROFILE',
    );
  });
});

describe('parseData and deployedName', () => {
  it('reads a JSON object, and names what is wrong otherwise', () => {
    expect(parseData('{"a":1}', '--data')).toEqual({ a: 1 });
    expect(parseData(undefined, '--data')).toEqual({});
    expect(() => parseData('{a:1}', '--data')).toThrow(/--data is not valid JSON/);
    expect(() => parseData('[1]', 'body.json')).toThrow(/body.json must be a JSON object/);
  });

  it('names functions as serverless does', () => {
    expect(deployedName('dev', 'send_email')).toBe('chatgpt-broker-dev-send_email');
  });
});

describe('decodeInvokeResult', () => {
  const encode = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));

  it('decodes the structured response and its JSON body', () => {
    const result = decodeInvokeResult(
      encode({ statusCode: 200, headers: { 'Content-Type': 'application/json' }, body: '{"success":true,"count":0}' }),
      undefined,
    );
    expect(result).toEqual({
      status: 200,
      headers: { 'Content-Type': 'application/json' },
      body: { success: true, count: 0 },
      functionError: undefined,
    });
    expect(failed(result)).toBe(false);
  });

  it('counts a 4xx answer and a crashed function as failures', () => {
    const rejected = decodeInvokeResult(encode({ statusCode: 401, body: '{"success":false}' }), undefined);
    expect(failed(rejected)).toBe(true);
    const crashed = decodeInvokeResult(encode({ errorType: 'Error', errorMessage: 'boom' }), 'Unhandled');
    expect(crashed).toMatchObject({ status: undefined, functionError: 'Unhandled', body: { errorMessage: 'boom' } });
    expect(failed(crashed)).toBe(true);
  });

  it('keeps a non-JSON body as text', () => {
    const result = decodeInvokeResult(encode({ statusCode: 200, body: '<!doctype html>' }), undefined);
    expect(result.body).toBe('<!doctype html>');
  });
});
