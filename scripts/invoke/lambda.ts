import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';

export interface InvokeTarget {
  functionName: string;
  region: string;
  /** A local Lambda API (serverless-offline); undefined means AWS with the usual credential chain. */
  endpoint: string | undefined;
}

/** What the function answered, decoded. */
export interface InvokeResult {
  /** The HTTP status of the function's response, or undefined when the function itself failed. */
  status: number | undefined;
  headers: Record<string, string>;
  /** The body: parsed JSON when it is JSON, else the text. */
  body: unknown;
  /** Lambda's `FunctionError` ("Unhandled") when the handler threw. */
  functionError: string | undefined;
}

/** Decodes a Lambda Invoke payload holding an API Gateway v2 structured response. */
export function decodeInvokeResult(payload: Uint8Array | undefined, functionError: string | undefined): InvokeResult {
  const text = payload ? Buffer.from(payload).toString('utf8') : '';
  const parsed = parseJson(text);
  if (functionError || typeof parsed !== 'object' || parsed === null || !('statusCode' in parsed)) {
    return { status: undefined, headers: {}, body: parsed, functionError: functionError ?? undefined };
  }
  const response = parsed as {
    statusCode: unknown;
    headers?: Record<string, string>;
    body?: unknown;
    isBase64Encoded?: boolean;
  };
  const raw =
    typeof response.body === 'string' && response.isBase64Encoded
      ? Buffer.from(response.body, 'base64').toString('utf8')
      : response.body;
  return {
    status: typeof response.statusCode === 'number' ? response.statusCode : Number(response.statusCode),
    headers: response.headers ?? {},
    body: typeof raw === 'string' ? parseJson(raw) : raw,
    functionError: undefined,
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** A failure the caller should see as a non-zero exit. */
export function failed(result: InvokeResult): boolean {
  return result.functionError !== undefined || result.status === undefined || result.status >= 400;
}

/** Invokes the function synchronously with `event` and decodes its answer. */
export async function invokeFunction(target: InvokeTarget, event: APIGatewayProxyEventV2): Promise<InvokeResult> {
  const client = new LambdaClient({
    region: target.region,
    ...(target.endpoint
      ? // serverless-offline checks no signature, but the SDK insists on signing with something.
        { endpoint: target.endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }
      : {}),
  });
  try {
    const output = await client.send(
      new InvokeCommand({
        FunctionName: target.functionName,
        InvocationType: 'RequestResponse',
        Payload: new TextEncoder().encode(JSON.stringify(event)),
      }),
    );
    return decodeInvokeResult(output.Payload, output.FunctionError);
  } finally {
    client.destroy();
  }
}
