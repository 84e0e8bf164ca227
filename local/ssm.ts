import { createServer } from 'node:http';
import type { AwsCall } from './aws-calls.ts';
import { callerOf } from './aws-calls.ts';
import { listenOnLoopback } from './ports.ts';
import { readBody } from './read-body.ts';

export interface LocalSsm {
  endpoint: string;
  close(): Promise<void>;
}

/**
 * A stand-in for the one SSM action the broker uses, `GetParameter` (AWS JSON 1.1 over
 * HTTP, as the SDK speaks it), serving fixed parameters. Locally the functions then load
 * their secrets through the same code as on AWS, and each call can be recorded.
 */
export async function startLocalSsm(options: {
  parameters: Record<string, string>;
  /** A parameter's type where it is not `SecureString` (the deploy preflight refuses those). */
  types?: Record<string, string>;
  onCall?: (call: AwsCall) => void;
}): Promise<LocalSsm> {
  const server = createServer(async (request, response) => {
    const target = String(request.headers['x-amz-target'] ?? '');
    const action = target.replace(/^AmazonSSM\./, '');
    options.onCall?.({ service: 'ssm', action, function: callerOf(request.headers['user-agent']) });
    const answer = (status: number, body: object) => {
      response.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
      response.end(JSON.stringify(body));
    };
    let input: { Name?: string };
    try {
      input = JSON.parse((await readBody(request)).toString('utf8')) as { Name?: string };
    } catch {
      return answer(400, { __type: 'SerializationException', message: 'body is not JSON' });
    }
    if (action !== 'GetParameter') return answer(400, { __type: 'UnknownOperationException' });
    const value = input.Name === undefined ? undefined : options.parameters[input.Name];
    if (value === undefined) return answer(400, { __type: 'ParameterNotFound', message: `${input.Name} not found` });
    const type = options.types?.[input.Name ?? ''] ?? 'SecureString';
    return answer(200, { Parameter: { Name: input.Name, Type: type, Value: value, Version: 1 } });
  });
  return listenOnLoopback(server);
}
