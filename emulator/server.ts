import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { authorizeRoutes } from './authorize-routes.ts';
import { controlRoutes } from './control-routes.ts';
import { seedDemoMailbox } from './demo.ts';
import { gmailRoutes } from './gmail-routes.ts';
import { defaultFaultBody, googleErrorBody } from './google-errors.ts';
import { HttpError, queryObject, readBody, send } from './http.ts';
import { mailboxRoutes } from './mailbox-routes.ts';
import { oauthRoutes } from './oauth-routes.ts';
import type { Route } from './router.ts';
import { findRoute } from './router.ts';
import { EmulatorState } from './state.ts';
import { highResNow } from './traffic.ts';

/**
 * The embedded Google emulator: one node:http server answering the Gmail REST subset,
 * the OAuth token endpoints, and the control API. A dev and test tool only; it is never
 * bundled into a Lambda.
 */

export interface GoogleEmulator {
  /** Base URL without a trailing slash, e.g. `http://127.0.0.1:PORT`. */
  url: string;
  port: number;
  close(): Promise<void>;
}

export interface GoogleEmulatorOptions {
  /** Port to listen on; 0 (the default) picks a free one. */
  port?: number;
  /** Interface to bind; 127.0.0.1 by default. */
  host?: string;
  /** Seed the demo user's mailbox at start and after every reset. */
  seedDemo?: boolean;
}

const CONTROL_PREFIX = '/__emulator/';
const OAUTH_PATHS = new Set(['/token', '/tokeninfo', '/revoke']);

function unknownRoute(method: string, path: string): HttpError {
  const message = `The requested URL ${path} was not found on this server (${method}).`;
  return new HttpError(404, googleErrorBody(404, message, { message, domain: 'global', reason: 'notFound' }));
}

function sendError(res: ServerResponse, error: unknown): void {
  if (error instanceof HttpError) {
    send(res, error.status, error.body, { ...error.headers });
    return;
  }
  // The emulator's own bug: say so in Google's shape so clients treat it as a 500.
  console.error('google emulator: unhandled error', error);
  send(res, 500, defaultFaultBody(500, false));
}

/** Starts an emulator; resolves once it is listening. */
export async function startGoogleEmulator(options: GoogleEmulatorOptions = {}): Promise<GoogleEmulator> {
  const state = new EmulatorState();
  const reseed = async () => {
    if (options.seedDemo === true) await seedDemoMailbox(state);
  };
  await reseed();
  const googleRoutes: Route[] = [
    ...gmailRoutes(state),
    ...mailboxRoutes(state),
    ...oauthRoutes(state),
    ...authorizeRoutes(state),
  ];
  const control: Route[] = controlRoutes(state, reseed);

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const startedAt = highResNow();
    const method = (req.method ?? 'GET').toUpperCase();
    const url = new URL(req.url ?? '/', 'http://emulator.invalid');
    const path = url.pathname;
    const isControl = path.startsWith(CONTROL_PREFIX);
    if (!isControl) {
      res.on('finish', () => {
        state.traffic.record({
          method,
          path,
          query: queryObject(url.searchParams),
          startedAt,
          endedAt: highResNow(),
          status: res.statusCode,
          responseBytes: Number(res.getHeader('content-length') ?? 0),
        });
      });
    }
    try {
      const body = await readBody(req);
      if (!isControl) {
        const delay = state.traffic.latencyFor(path);
        if (delay > 0) await sleep(delay);
        const fault = state.traffic.takeFault(method, path);
        if (fault !== undefined) {
          send(
            res,
            fault.status,
            fault.body ?? defaultFaultBody(fault.status, OAUTH_PATHS.has(path)),
            fault.headers ?? {},
          );
          return;
        }
      }
      const found = findRoute(isControl ? control : googleRoutes, method, path);
      if (found === undefined) throw unknownRoute(method, path);
      const result = await found.route.handler({ req, method, url, body, params: found.params });
      send(res, result.status ?? 200, result.body, result.headers ?? {});
    } catch (error) {
      sendError(res, error);
    }
  };

  const server = createServer((req, res) => {
    void handle(req, res);
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  // A wildcard bind is reachable on loopback; an IPv6 literal needs brackets in a URL.
  const urlHost = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '[::1]' : host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${urlHost}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error === undefined ? resolve() : reject(error)));
        // Keep-alive sockets from clients would otherwise hold close() open.
        server.closeAllConnections();
      }),
  };
}
