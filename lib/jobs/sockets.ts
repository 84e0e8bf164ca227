import type { BrokerSocketMessage } from '../agent-wire/protocol.ts';
import { AwsError, signedFetch } from '../aws/signed.ts';
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

/**
 * The management API on the configured endpoint (REST: `POST` and `DELETE
 * /@connections/{id}` under the stage's URL, signed for `execute-api`).
 */
export function socketsFor(config: Config): SocketPort {
  const endpoint = config.WEBSOCKET_MANAGEMENT_URL;
  if (endpoint === undefined) return NO_SOCKETS;
  // Plain http is only ever the local stand-in (serverless-offline), which takes any credentials.
  const local = endpoint.startsWith('http:');
  const connection = (id: string) => `${endpoint.replace(/\/+$/, '')}/@connections/${encodeURIComponent(id)}`;
  return {
    async send(connectionId, message) {
      try {
        await signedFetch(
          config,
          { service: 'execute-api', url: connection(connectionId), method: 'POST', body: JSON.stringify(message) },
          local,
        );
        return true;
      } catch (error) {
        if (isGone(error)) return false;
        throw error;
      }
    },
    async close(connectionId) {
      try {
        await signedFetch(config, { service: 'execute-api', url: connection(connectionId), method: 'DELETE' }, local);
      } catch (error) {
        if (!isGone(error)) throw error;
      }
    },
  };
}

function isGone(error: unknown): boolean {
  return error instanceof AwsError && (error.name === 'GoneException' || error.status === 410);
}
