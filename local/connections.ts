import { createServer } from 'node:http';
import { type AwsCall, callerOf } from './aws-calls.ts';
import { listenOnLoopback } from './ports.ts';
import { readBody } from './read-body.ts';

export interface LocalConnectionsApi {
  /** What the functions use as WEBSOCKET_MANAGEMENT_URL. */
  endpoint: string;
  close(): Promise<void>;
}

/**
 * The `@connections` management API as the functions reach it locally: a pass-through to
 * serverless-offline's websocket port (which serves `POST`/`DELETE /@connections/{id}`)
 * that records each call with the calling function, like the DynamoDB and SSM stand-ins,
 * so roles are held to the `execute-api:ManageConnections` calls functions really make.
 */
export async function startLocalConnectionsApi(options: {
  websocketPort: number;
  onCall?: (call: AwsCall) => void;
}): Promise<LocalConnectionsApi> {
  const server = createServer(async (request, response) => {
    options.onCall?.({
      service: 'execute-api',
      action: 'ManageConnections',
      function: callerOf(request.headers['user-agent']),
    });
    const body = await readBody(request);
    try {
      const answer = await fetch(`http://127.0.0.1:${options.websocketPort}${request.url ?? '/'}`, {
        method: request.method ?? 'POST',
        ...(body.length > 0 ? { body } : {}),
      });
      response.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' });
      response.end(Buffer.from(await answer.arrayBuffer()));
    } catch {
      response.writeHead(502).end();
    }
  });
  return listenOnLoopback(server);
}
