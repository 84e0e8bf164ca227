import { AwsClient } from 'aws4fetch';
import type { Config } from '../config.ts';
import { SERVICE } from '../service.ts';

/**
 * An AWS API error as the AWS SDK would have thrown it: `name` is AWS's error code
 * (`ConditionalCheckFailedException`, `ParameterNotFound`, `GoneException`, ...), so code
 * that tells errors apart by name works unchanged. `fields` holds the rest of the error
 * body (DynamoDB puts the old item there when asked with ReturnValuesOnConditionCheckFailure).
 */
export class AwsError extends Error {
  readonly status: number;
  readonly fields: Record<string, unknown>;
  constructor(name: string, message: string, status: number, fields: Record<string, unknown> = {}) {
    super(message);
    this.name = name;
    this.status = status;
    this.fields = fields;
  }
}

/** One signed request to an AWS API. */
export interface SignedRequest {
  /** The signing name (`dynamodb`, `ssm`, `kms`, `execute-api`). */
  service: string;
  url: string;
  method: 'POST' | 'DELETE';
  headers?: Record<string, string>;
  body?: string;
  /** Overrides AWS_CALL_TIMEOUT_MS. */
  timeoutMs?: number;
}

/** Longest a call may take, retries included: a stuck connection fails the request instead of the Lambda's time. */
export const AWS_CALL_TIMEOUT_MS = 5_000;

/**
 * Retries after a 5xx or 429 (aws4fetch's own loop, delays of random 0-50 ms doubling each
 * time) and, below, after the 400s by which DynamoDB, KMS and SSM say they are throttling:
 * aws4fetch does not read bodies, and the AWS SDK's standard mode retries these too.
 */
const RETRIES = 3;
const FIRST_RETRY_MS = 50;
const THROTTLING = new Set([
  'ThrottlingException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'TooManyRequestsException',
  'ThrottledException',
]);

// Signing keys, kept across calls in a warm sandbox (aws4fetch caches them per day and region).
const signingKeys = new Map<string, ArrayBuffer>();

/**
 * The credentials to sign with. On AWS, the Lambda runtime sets the function role's
 * temporary credentials as AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN
 * ("Defined runtime environment variables", AWS Lambda Developer Guide,
 * docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html: "the access keys obtained
 * from the function's execution role"; reserved, so no one else sets them); a local stand-in
 * (dynalite, the SSM stand-in, serverless-offline) takes any.
 */
function clientFor(config: Config, service: string, local: boolean): AwsClient {
  if (local) return new AwsClient({ accessKeyId: 'local', secretAccessKey: 'local', ...options(config, service) });
  const { AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey } = config;
  if (!accessKeyId || !secretAccessKey) {
    throw new Error('No AWS credentials: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set.');
  }
  return new AwsClient({
    accessKeyId,
    secretAccessKey,
    ...(config.AWS_SESSION_TOKEN ? { sessionToken: config.AWS_SESSION_TOKEN } : {}),
    ...options(config, service),
  });
}

function options(config: Config, service: string) {
  return { service, region: config.AWS_REGION, cache: signingKeys, retries: RETRIES, initRetryMs: FIRST_RETRY_MS };
}

/**
 * The user agent of every call: the calling function's name in it is how CloudTrail on AWS,
 * and the IAM-from-use test locally (local/aws-calls.ts reads `function/<name>`), tell which
 * function made a call. Not signed (aws4fetch leaves it out), as the SDK's is not either.
 */
function userAgent(config: Config): string {
  const name = config.AWS_LAMBDA_FUNCTION_NAME;
  return name ? `${SERVICE} function/${name}` : SERVICE;
}

/** The error an answer carries: AWS's code from the body's `__type` or the `x-amzn-ErrorType` header. */
async function errorOf(response: Response): Promise<AwsError> {
  const text = await response.text();
  let body: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed && typeof parsed === 'object') body = parsed as Record<string, unknown>;
  } catch {
    // Not JSON (a proxy's page, an empty 410): the status and header say enough.
  }
  const { __type, message, Message, ...fields } = body;
  const code =
    (typeof __type === 'string' ? __type : undefined) ??
    response.headers.get('x-amzn-errortype')?.split(':')[0] ??
    (response.status === 410 ? 'GoneException' : `Http${response.status}`);
  const name = code.slice(code.lastIndexOf('#') + 1);
  const said = typeof message === 'string' ? message : typeof Message === 'string' ? Message : undefined;
  return new AwsError(name, said ?? `AWS answered ${response.status}`, response.status, fields);
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Sends one SigV4-signed request (aws4fetch) and answers the successful response; an AWS
 * error answer is thrown as an `AwsError`. `local` marks a stand-in endpoint (any
 * credentials do there). The whole call, retries included, ends after AWS_CALL_TIMEOUT_MS.
 */
export async function signedFetch(config: Config, request: SignedRequest, local: boolean): Promise<Response> {
  const client = clientFor(config, request.service, local);
  const signal = AbortSignal.timeout(request.timeoutMs ?? AWS_CALL_TIMEOUT_MS);
  for (let attempt = 0; ; attempt += 1) {
    const response = await client.fetch(request.url, {
      method: request.method,
      headers: { ...request.headers, 'user-agent': userAgent(config) },
      ...(request.body === undefined ? {} : { body: request.body }),
      signal,
    });
    if (response.ok) return response;
    const error = await errorOf(response);
    if (!THROTTLING.has(error.name) || attempt >= RETRIES) throw error;
    await pause(Math.random() * FIRST_RETRY_MS * 2 ** attempt);
  }
}
