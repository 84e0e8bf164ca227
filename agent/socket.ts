import WebSocket from 'ws';
import {
  type AgentSocketMessage,
  BrokerSocketMessage,
  type ResultRequest,
  SOCKET_CONNECT,
  SOCKET_HEARTBEAT_MS,
  SOCKET_RENEW_MS,
} from '#lib/agent-wire/protocol';
import { signRequest } from '#lib/agent-wire/signing';
import type { AgentIdentity } from './broker-client.ts';

/**
 * The agent's push connection: one WebSocket to the broker, opened with signed headers
 * (timestamp and nonce, like every agent request), already while the pairing code waits
 * to be confirmed (`paired` arrives on it). Jobs arrive as messages; the agent
 * says `collect` on opening and then every `SOCKET_HEARTBEAT_MS` (which also keeps API
 * Gateway from closing an idle connection), and opens a new connection before the
 * 2-hour limit. Nothing runs on the broker while the agent waits.
 *
 * Uses the `ws` package: Node 20's global WebSocket is behind a flag and cannot send
 * headers on the upgrade request.
 */

/** The broker refused the upgrade (401 bad or replayed signature, 403 unpaired, ...). */
export class SocketRefusedError extends Error {
  readonly status: number;
  constructor(status: number) {
    super(`the broker refused the job connection (HTTP ${status})`);
    this.name = 'SocketRefusedError';
    this.status = status;
  }
}

/** Why a held connection ended. */
export type SocketEnd = 'stopped' | 'renew' | 'closed';

export interface SocketOptions {
  url: string;
  identity: AgentIdentity;
  now: () => number;
  /** A job message arrived (raw, for `verifyJob`). */
  onJob: (raw: unknown, connection: JobConnection) => void;
  /** The connection works: the broker accepted the signed connect and answered the first `collect`. */
  onReady?: () => void;
  /**
   * The broker says the agent's pairing code was confirmed (it may say so again: once is
   * enough). The connection then carries jobs like any other.
   */
  onPaired?: (account: string | null) => void;
  /** The broker's clock as of `localTime`, from each `collected` answer. */
  onServerTime: (serverTime: number, localTime: number) => void;
  heartbeatMs?: number;
  renewMs?: number;
  /** How long the broker has to answer a `collect` before the connection counts as dead. */
  answerTimeoutMs?: number;
}

/** What a job handler may do on the connection its job came by. */
export interface JobConnection {
  ack(jobId: string): void;
  /** Sends a result; resolves true once the broker confirmed it, false if it could not be confirmed. */
  report(result: ResultRequest): Promise<boolean>;
}

/**
 * Opens the connection and holds it until the signal aborts ('stopped'), it is time to
 * renew ('renew'), or it drops or stops answering ('closed'). Rejects if it cannot open.
 */
export function holdSocket(options: SocketOptions, signal: AbortSignal): Promise<SocketEnd> {
  const heartbeatMs = options.heartbeatMs ?? SOCKET_HEARTBEAT_MS;
  const renewMs = options.renewMs ?? SOCKET_RENEW_MS;
  const answerTimeoutMs = options.answerTimeoutMs ?? 10_000;
  const headers = signRequest(
    { ...SOCKET_CONNECT, body: '', timestamp: options.now(), agentId: options.identity.agentId },
    options.identity.privateKey,
  );
  const ws = new WebSocket(options.url, { headers: { ...headers }, handshakeTimeout: 10_000 });
  /** Results sent and not yet confirmed, by job id: call with whether the broker confirmed. */
  const results = new Map<string, (confirmed: boolean) => void>();

  return new Promise<SocketEnd>((resolve, reject) => {
    let opened = false;
    let ready = false;
    let ending: SocketEnd | undefined;
    let heartbeat: NodeJS.Timeout | undefined;
    let answerDeadline: NodeJS.Timeout | undefined;
    let renew: NodeJS.Timeout | undefined;

    const send = (message: AgentSocketMessage): boolean => {
      if (ws.readyState !== WebSocket.OPEN) return false;
      ws.send(JSON.stringify(message));
      return true;
    };
    const collect = () => {
      if (!send({ action: 'collect' })) return;
      answerDeadline ??= setTimeout(() => end('closed'), answerTimeoutMs);
    };
    const end = (why: SocketEnd) => {
      ending ??= why;
      if (ws.readyState === WebSocket.OPEN || ws.readyState === WebSocket.CONNECTING) {
        if (why === 'closed') ws.terminate();
        else ws.close(1000);
      }
    };
    const onAbort = () => end('stopped');
    signal.addEventListener('abort', onAbort, { once: true });

    const connection: JobConnection = {
      ack: (jobId) => {
        send({ action: 'ack', job_id: jobId });
      },
      report: (result) =>
        new Promise<boolean>((settle) => {
          if (!send({ action: 'result', ...result })) {
            settle(false);
            return;
          }
          const done = (confirmed: boolean) => {
            clearTimeout(timer);
            results.delete(result.job_id);
            settle(confirmed);
          };
          const timer = setTimeout(() => done(false), answerTimeoutMs);
          results.set(result.job_id, done);
        }),
    };

    ws.on('unexpected-response', (_request, response) => {
      reject(new SocketRefusedError(response.statusCode ?? 0));
      response.resume();
      ws.terminate();
    });
    ws.on('error', (error) => {
      if (!opened) reject(error);
      // After opening, 'close' follows and ends the hold.
    });
    ws.on('open', () => {
      opened = true;
      collect();
      heartbeat = setInterval(collect, heartbeatMs);
      renew = setTimeout(() => end('renew'), renewMs);
    });
    ws.on('message', (data) => {
      const parsed = BrokerSocketMessage.safeParse(parseJson(String(data)));
      if (!parsed.success) return;
      const message = parsed.data;
      if (message.type === 'job') options.onJob(message.job, connection);
      else if (message.type === 'paired') {
        options.onPaired?.(message.account ?? null);
        // Anything launched between the pairing and this message is waiting: ask for it.
        collect();
      } else if (message.type === 'collected') {
        if (!ready) options.onReady?.();
        ready = true;
        clearTimeout(answerDeadline);
        answerDeadline = undefined;
        options.onServerTime(message.server_time, options.now());
      } else results.get(message.job_id)?.(true);
    });
    ws.on('close', () => {
      clearInterval(heartbeat);
      clearTimeout(answerDeadline);
      clearTimeout(renew);
      signal.removeEventListener('abort', onAbort);
      for (const done of [...results.values()]) done(false);
      if (opened) resolve(ending ?? 'closed');
      else reject(new Error('the job connection closed before it opened'));
    });
    if (signal.aborted) end('stopped');
  });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
