import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';

/** A function's HTTP route: an operation's, or one of an endpoint's. */
export interface HttpRoute {
  name: string;
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
}

export interface EventInput {
  operation: HttpRoute;
  /** The request: the JSON body, or for GET the path and query parameters. */
  data: Record<string, unknown>;
  token?: string | undefined;
  /** Time of the request (tests pin it). */
  now?: Date;
}

function stringParameters(data: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(data)
      .filter(([, value]) => value !== null && value !== undefined)
      .map(([name, value]) => [name, typeof value === 'string' ? value : JSON.stringify(value)]),
  );
}

/**
 * The API Gateway HTTP API (payload 2.0) event API Gateway would deliver for this request:
 * POST data becomes the JSON body; GET data fills the path template and the rest becomes
 * the query string. The token goes in `authorization: Bearer`, as ChatGPT sends it.
 */
export function buildHttpEvent({ operation, data, token, now = new Date() }: EventInput): APIGatewayProxyEventV2 {
  const isGet = operation.method === 'GET';
  const parameters = isGet ? stringParameters(data) : {};
  const pathParameters: Record<string, string> = {};
  const rawPath = operation.path.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const value = parameters[name];
    if (value === undefined)
      throw new Error(`${operation.name} needs "${name}" in --data for its path ${operation.path}`);
    pathParameters[name] = value;
    delete parameters[name];
    return encodeURIComponent(value);
  });
  const query = new URLSearchParams(parameters).toString();
  const body = isGet ? undefined : JSON.stringify(data);
  const routeKey = `${operation.method} ${operation.path}`;
  return {
    version: '2.0',
    routeKey,
    rawPath,
    rawQueryString: query,
    headers: {
      accept: 'application/json',
      host: 'localhost',
      'user-agent': 'chatgpt-broker-invoke',
      ...(body === undefined
        ? {}
        : { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) }),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    ...(query ? { queryStringParameters: parameters } : {}),
    ...(Object.keys(pathParameters).length ? { pathParameters } : {}),
    requestContext: {
      accountId: 'offline',
      apiId: 'invoke',
      domainName: 'localhost',
      domainPrefix: 'localhost',
      http: {
        method: operation.method,
        path: rawPath,
        protocol: 'HTTP/1.1',
        sourceIp: '127.0.0.1',
        userAgent: 'chatgpt-broker-invoke',
      },
      requestId: randomUUID(),
      routeKey,
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    ...(body === undefined ? {} : { body }),
    isBase64Encoded: false,
  };
}
