import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { checkLink, fetchFileRefs, type LinkPolicy } from '#lib/gmail/file-refs';
import { thrownBrokerError } from '../../support/broker-error.ts';

const OPENAI_ONLY: LinkPolicy = { hosts: ['files.oaiusercontent.com'], httpHosts: [] };

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
  const servers: Array<{ close: () => void }> = [];
  afterEach(() => {
    for (const server of servers.splice(0)) server.close();
  });

  async function serve(body: Buffer, headers: Record<string, string> = {}) {
    const server = createServer((_, res) => {
      res.writeHead(200, headers);
      res.end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    servers.push(server);
    return (server.address() as AddressInfo).port;
  }

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
    await expect(
      fetchFileRefs([{ name: 'a', id: 'f', mime_type: 'x/y', download_link: `http://127.0.0.1:${port}/` }], {
        hosts: ['127.0.0.1'],
        httpHosts: ['127.0.0.1'],
      }),
    ).rejects.toMatchObject({ kind: 'payload_too_large' });
  });
});
