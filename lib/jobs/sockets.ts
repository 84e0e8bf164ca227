import {
  ApiGatewayManagementApiClient,
  DeleteConnectionCommand,
  PostToConnectionCommand,
} from '@aws-sdk/client-apigatewaymanagementapi';
import type { BrokerSocketMessage } from '../agent-wire/protocol.ts';
import { awsClientOptions } from '../aws.ts';
import type { Config } from '../config.ts';

/**
 * The port through which the broker writes to agents' WebSockets: API Gateway's
 * `@connections` management API (serverless-offline serves the same on its websocket port).
 */
export interface SocketPort {
  /** Sends one message; false when the connection is gone (410), so the caller can forget it. */
  send(connectionId: string, message: BrokerSocketMessage): Promise<boolean>;
  /** Closes the connection from the broker's side (already gone is fine). */
  close(connectionId: string): Promise<void>;
}

/** No WebSocket API configured: every connection reads as gone, and jobs wait for a poll. */
const NO_SOCKETS: SocketPort = { send: async () => false, close: async () => undefined };

let cached: { endpoint: string; port: SocketPort } | undefined;

/** The management API client for the configured endpoint, made once per cold start. */
export function socketsFor(config: Config): SocketPort {
  const endpoint = config.WEBSOCKET_MANAGEMENT_URL;
  if (endpoint === undefined) return NO_SOCKETS;
  if (cached?.endpoint !== endpoint) {
    // Plain http is only ever the local stand-in (serverless-offline), which takes any credentials.
    const local = endpoint.startsWith('http:') ? endpoint : undefined;
    const client = new ApiGatewayManagementApiClient({ ...awsClientOptions(config, local), endpoint });
    cached = {
      endpoint,
      port: {
        async send(connectionId, message) {
          try {
            await client.send(
              new PostToConnectionCommand({ ConnectionId: connectionId, Data: JSON.stringify(message) }),
            );
            return true;
          } catch (error) {
            if (isGone(error)) return false;
            throw error;
          }
        },
        async close(connectionId) {
          try {
            await client.send(new DeleteConnectionCommand({ ConnectionId: connectionId }));
          } catch (error) {
            if (!isGone(error)) throw error;
          }
        },
      },
    };
  }
  return cached.port;
}

function isGone(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return error.name === 'GoneException' || status === 410;
}
