import { createServer, type IncomingHttpHeaders } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callJson, DYNAMODB } from '#lib/aws/json';
import { AwsError, signedFetch } from '#lib/aws/signed';
import { parseConfig } from '#lib/config';
import { itemOfConditionFailure } from '#lib/store/table';
import { listenOnLoopback } from '../../../local/ports.ts';
import { readBody } from '../../../local/read-body.ts';

/**
 * The signed AWS call against a real HTTP server on loopback that answers as AWS does:
 * what it sends (signature, session token, the function in the user agent), which answers
 * it retries, and which errors it throws under which name.
 */

interface Seen {
  headers: IncomingHttpHeaders;
  body: string;
}
type Answer = { status: number; body?: object; headers?: Record<string, string> } | 'hang';

const seen: Seen[] = [];
let script: Answer[] = [];
let server: { endpoint: string; close(): Promise<void> };

beforeAll(async () => {
  server = await listenOnLoopback(
    createServer(async (request, response) => {
      seen.push({ headers: request.headers, body: (await readBody(request)).toString('utf8') });
      const answer = script.shift() ?? { status: 200, body: {} };
      if (answer === 'hang') return; // never answers: the caller's timeout must end it
      response.writeHead(answer.status, { 'content-type': 'application/x-amz-json-1.0', ...answer.headers });
      response.end(answer.body === undefined ? '' : JSON.stringify(answer.body));
    }),
  );
});
afterAll(() => server.close());

function answering(...answers: Answer[]) {
  seen.length = 0;
  script = answers;
}

const onAws = parseConfig({
  AWS_REGION: 'eu-west-1',
  AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
  AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
  AWS_SESSION_TOKEN: 'session-token-from-lambda',
  AWS_LAMBDA_FUNCTION_NAME: 'chatgpt-broker-dev-list_computers',
});

describe('one signed AWS call', () => {
  it("signs with the Lambda role's credentials from the environment and names the function", async () => {
    answering({ status: 200, body: {} });
    await signedFetch(
      onAws,
      { service: 'dynamodb', url: server.endpoint, method: 'POST', headers: { 'x-amz-target': 'T.A' }, body: '{}' },
      false,
    );
    const [request] = seen;
    expect(request?.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/dynamodb\/aws4_request, SignedHeaders=[^,]*x-amz-target[^,]*, Signature=[0-9a-f]{64}$/,
    );
    expect(request?.headers['x-amz-security-token']).toBe('session-token-from-lambda');
    // local/aws-calls.ts reads the caller from here (CloudTrail shows it on AWS).
    expect(request?.headers['user-agent']).toMatch(/(^|\s)function\/chatgpt-broker-dev-list_computers(\s|$)/);
  });

  it('speaks the AWS JSON protocol, with any credentials to a local stand-in', async () => {
    answering({ status: 200, body: { Item: { pk: { S: 'A' } } } });
    const out = await callJson(onAws, DYNAMODB, 'GetItem', { TableName: 't' }, `${server.endpoint}/`);
    expect(out).toEqual({ Item: { pk: { S: 'A' } } });
    const [request] = seen;
    expect(request?.headers['x-amz-target']).toBe('DynamoDB_20120810.GetItem');
    expect(request?.headers['content-type']).toBe('application/x-amz-json-1.0');
    expect(request?.headers.authorization).toMatch(/Credential=local\//);
    expect(request?.headers['x-amz-security-token']).toBeUndefined();
    expect(JSON.parse(request?.body ?? '')).toEqual({ TableName: 't' });
  });

  it('refuses to call AWS without credentials, naming the variables and no value', async () => {
    const bare = parseConfig({ AWS_SECRET_ACCESS_KEY: 'only-the-secret' });
    const call = callJson(bare, DYNAMODB, 'GetItem', {});
    await expect(call).rejects.toThrow(/AWS_ACCESS_KEY_ID/);
    await expect(call).rejects.not.toThrow(/only-the-secret/);
  });

  it('retries throttling (400 with a throttling code, 429) and 5xx, then answers', async () => {
    answering(
      { status: 400, body: { __type: 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException' } },
      { status: 503, body: {} },
      { status: 429, body: {} },
      { status: 200, body: { Count: 3 } },
    );
    expect(await callJson(onAws, DYNAMODB, 'Query', {}, server.endpoint)).toEqual({ Count: 3 });
    expect(seen).toHaveLength(4);
  });

  it('stops retrying after three retries and throws the last answer', async () => {
    const throttled = { status: 400, body: { __type: 'ThrottlingException', message: 'Rate exceeded' } };
    answering(throttled, throttled, throttled, throttled, { status: 200, body: {} });
    const error = await callJson(onAws, DYNAMODB, 'Query', {}, server.endpoint).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'ThrottlingException', message: 'Rate exceeded', status: 400 });
    expect(seen).toHaveLength(4);
  });

  it('throws any other error at once, named as the SDK named it, with the rest of the body', async () => {
    const old = { pk: { S: 'IDEMPOTENCY#send_email' }, sk: { S: 'k' }, status: { S: 'INPROGRESS' } };
    answering({
      status: 400,
      body: {
        __type: 'com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException',
        message: 'The conditional request failed',
        Item: old,
      },
    });
    const error = await callJson(onAws, DYNAMODB, 'PutItem', {}, server.endpoint).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AwsError);
    expect(error).toMatchObject({ name: 'ConditionalCheckFailedException', message: 'The conditional request failed' });
    expect(itemOfConditionFailure(error)).toEqual({ pk: 'IDEMPOTENCY#send_email', sk: 'k', status: 'INPROGRESS' });
    expect(seen).toHaveLength(1);
  });

  it("names a REST error from its header, and a bare 410 as API Gateway's GoneException", async () => {
    answering(
      { status: 403, body: { message: 'Forbidden' }, headers: { 'x-amzn-errortype': 'ForbiddenException:http://x' } },
      { status: 410 },
    );
    const request = { service: 'execute-api', url: `${server.endpoint}/@connections/abc%3D`, method: 'POST' } as const;
    await expect(signedFetch(onAws, request, true)).rejects.toMatchObject({ name: 'ForbiddenException', status: 403 });
    await expect(signedFetch(onAws, request, true)).rejects.toMatchObject({ name: 'GoneException', status: 410 });
  });

  it('gives up on an endpoint that does not answer within its timeout', async () => {
    answering('hang');
    const started = Date.now();
    const call = signedFetch(onAws, { service: 'ssm', url: server.endpoint, method: 'POST', timeoutMs: 200 }, true);
    await expect(call).rejects.toMatchObject({ name: 'TimeoutError' });
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});
