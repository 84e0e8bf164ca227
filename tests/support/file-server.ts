import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Where the attachment tests serve files from: an address the test broker's allowlist names. */
export const FILE_SERVER_HOST = '127.0.0.1';

export interface FileServer {
  /** `http://127.0.0.1:<port><path>` */
  url(path: string): string;
  port: number;
  /** Paths requested so far. */
  requested: string[];
  close(): Promise<void>;
}

/**
 * A real HTTP server on loopback (port 0) standing in for ChatGPT's file host: serves the
 * given files by path, `redirects` (path to Location) as 302s, and for the `cutOff` paths
 * announces its file whole but drops the connection after the first half.
 */
export async function startFileServer(
  files: Record<string, Buffer>,
  redirects: Record<string, string> = {},
  cutOff: readonly string[] = [],
): Promise<FileServer> {
  const requested: string[] = [];
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    requested.push(path);
    const location = redirects[path];
    if (location !== undefined) {
      res.writeHead(302, { location }).end();
      return;
    }
    const file = files[path];
    if (file === undefined) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': file.length });
    if (cutOff.includes(path)) res.write(file.subarray(0, file.length / 2), () => res.socket?.destroy());
    else res.end(file);
  });
  await new Promise<void>((resolve) => server.listen(0, FILE_SERVER_HOST, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (path) => `http://${FILE_SERVER_HOST}:${port}${path}`,
    port,
    requested,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
