import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  checkLink,
  FETCH_TIMEOUT_MS,
  fetchFileRefs,
  isNonPublicAddress,
  type LinkPolicy,
  MAX_LINKED_TOTAL_BYTES,
} from '#lib/gmail/file-refs';
import { thrownBrokerError } from '../../support/broker-error.ts';

const OPENAI_ONLY: LinkPolicy = { hosts: ['files.oaiusercontent.com'], httpHosts: [] };

describe('isNonPublicAddress', () => {
  it.each([
    '127.0.0.1',
    '10.1.2.3',
    '172.20.0.1',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '::1',
    '::',
    'fe80::1',
    'fd00::1',
    '::ffff:127.0.0.1',
    '::ffff:10.0.0.1',
    '224.0.0.1',
  ])('refuses %s', (address) => {
    expect(isNonPublicAddress(address)).toBe(true);
  });

  it.each(['8.8.8.8', '104.18.2.3', '2606:4700::1111', '::ffff:8.8.8.8'])('allows %s', (address) => {
    expect(isNonPublicAddress(address)).toBe(false);
  });
});

describe('checkLink', () => {
  it('takes an https link to a listed host, any case', () => {
    expect(checkLink('https://FILES.oaiusercontent.com/file-1?sig=x', OPENAI_ONLY).hostname).toBe(
      'files.oaiusercontent.com',
    );
  });

  it.each([
    ['http://files.oaiusercontent.com/file-1', /must use https/],
    ['ftp://files.oaiusercontent.com/file-1', /must use https/],
    ['https://files.oaiusercontent.com.evil.net/x', /not from files\.oaiusercontent\.com\.evil\.net/],
    ['https://evil.net/?u=files.oaiusercontent.com', /not from evil\.net/],
    ['https://user:pw@files.oaiusercontent.com/x', /credentials/],
    ['file:///etc/passwd', /must use https/],
    ['no url', /not a URL/],
  ])('refuses %s', (link, message) => {
    const error = thrownBrokerError(() => checkLink(link, OPENAI_ONLY, 2));
    expect(error.kind).toBe('invalid_request');
    expect(error.message).toMatch(message);
    expect(error.details).toEqual([{ field: 'openaiFileIdRefs[2].download_link', message: error.message }]);
  });

  it('allows plain http only for a host listed for it', () => {
    const policy = { hosts: ['127.0.0.1'], httpHosts: ['127.0.0.1'] };
    expect(checkLink('http://127.0.0.1:8080/f', policy).port).toBe('8080');
  });
});

describe('fetchFileRefs against a real local server', () => {
  const servers: Server[] = [];
  afterEach(() => {
    for (const server of servers.splice(0)) {
      server.closeAllConnections();
      server.close();
    }
  });

  async function listen(handler: RequestListener) {
    const server = createServer(handler);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    servers.push(server);
    return (server.address() as AddressInfo).port;
  }

  const serve = (body: Buffer, headers: Record<string, string> = {}) =>
    listen((_, res) => {
      res.writeHead(200, headers);
      res.end(body);
    });

  const LOOPBACK: LinkPolicy = { hosts: ['127.0.0.1'], httpHosts: ['127.0.0.1'] };
  const linked = (port: number, path = '/') => ({
    name: 'a',
    id: 'f',
    mime_type: 'x/y',
    download_link: `http://127.0.0.1:${port}${path}`,
  });

  /** Serves `sent` bytes of a body announced as `announced`, then leaves the connection open (stalls). */
  const stalling = (sent: number, announced: number, onClose?: () => void) =>
    listen((req, res) => {
      res.writeHead(200, { 'content-length': String(announced) });
      res.write(Buffer.alloc(sent));
      if (onClose) req.socket.on('close', onClose);
    });

  it(`answers a body that stalls past ${FETCH_TIMEOUT_MS} ms as the link's fault, naming the field (F4)`, async () => {
    const port = await stalling(100, 1_000);
    await expect(fetchFileRefs([linked(port)], LOOPBACK)).rejects.toMatchObject({
      kind: 'invalid_request',
      message: expect.stringMatching(/took too long/),
      details: [{ field: 'openaiFileIdRefs[0].download_link' }],
    });
  });

  it("answers a connection dropped mid-body as the link's fault, naming the field (F4)", async () => {
    const port = await listen((_, res) => {
      res.writeHead(200, { 'content-length': '1000' });
      res.write(Buffer.alloc(100), () => res.socket?.destroy());
    });
    await expect(fetchFileRefs([linked(port)], LOOPBACK)).rejects.toMatchObject({
      kind: 'invalid_request',
      message: expect.stringMatching(/broke off/),
      details: [{ field: 'openaiFileIdRefs[0].download_link' }],
    });
  });

  it('refuses the total the moment it passes the cap and drops the downloads still running (F5)', async () => {
    const MiB = 1024 * 1024;
    const whole = await serve(Buffer.alloc(9.5 * MiB));
    let stalledClosed = false;
    // 9.5 MiB + 9 MiB passes the 18 MiB total while the second file is still coming.
    const stalled = await stalling(9 * MiB, 10 * MiB, () => {
      stalledClosed = true;
    });
    expect(9.5 * MiB + 9 * MiB).toBeGreaterThan(MAX_LINKED_TOTAL_BYTES);
    await expect(fetchFileRefs([linked(whole), linked(stalled)], LOOPBACK)).rejects.toMatchObject({
      kind: 'payload_too_large',
      message: expect.stringMatching(/total more than/),
      details: [{ field: 'openaiFileIdRefs' }],
    });
    // The broker hung up on the file still downloading instead of waiting for the rest of it.
    await vi.waitFor(() => expect(stalledClosed).toBe(true));
  });

  it('returns the bytes as a base64 attachment, with a safe MIME type', async () => {
    const port = await serve(Buffer.from('hello'));
    const [file] = await fetchFileRefs(
      [{ name: 'a.txt', id: 'f', mime_type: 'text/plain\r\nX: y', download_link: `http://127.0.0.1:${port}/a` }],
      { hosts: ['127.0.0.1'], httpHosts: ['127.0.0.1'] },
    );
    expect(file).toEqual({ filename: 'a.txt', content_type: 'application/octet-stream', data: 'aGVsbG8=' });
  });

  it('refuses a loopback server reached by a name the allowlist names, before any byte is read', async () => {
    const port = await serve(Buffer.from('secret'));
    await expect(
      fetchFileRefs([{ name: 'a', id: 'f', mime_type: 'text/plain', download_link: `http://localhost:${port}/` }], {
        hosts: ['localhost'],
        httpHosts: ['localhost'],
      }),
    ).rejects.toMatchObject({ kind: 'invalid_request', message: expect.stringMatching(/private or loopback/) });
  });

  it('stops reading a body that grows past the cap even without Content-Length', async () => {
    const port = await serve(Buffer.alloc(11 * 1024 * 1024), { 'transfer-encoding': 'chunked' });
    await expect(fetchFileRefs([linked(port)], LOOPBACK)).rejects.toMatchObject({ kind: 'payload_too_large' });
  });
});
