import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { isNonPublicAddress, NonPublicAddressError, publicGet } from '#lib/net/public-fetch';

/** Addresses no URL from a request may reach. */
const NON_PUBLIC = [
  '127.0.0.1',
  '10.1.2.3',
  '172.20.0.1',
  '192.168.1.1',
  '169.254.169.254',
  '0.0.0.0',
  '224.0.0.1',
  '255.255.255.255',
  // Shared address space (carrier-grade NAT), benchmarking, documentation, AS112, AMT.
  '100.64.0.1',
  '100.127.255.254',
  '198.18.0.1',
  '198.19.255.255',
  '192.0.2.10',
  '198.51.100.7',
  '203.0.113.9',
  '192.31.196.1',
  '192.52.193.1',
  '192.175.48.1',
  '::1',
  '::',
  '::7f00:1',
  'fe80::1',
  'fd00::1',
  'fec0::1',
  '::ffff:127.0.0.1',
  '::ffff:10.0.0.1',
  // NAT64 and 6to4 reach IPv4 addresses, private ones included.
  '64:ff9b::7f00:1',
  '64:ff9b::a9fe:a9fe',
  '64:ff9b:1::a00:1',
  '2002:7f00:1::1',
  '2001:db8::1',
  '2001::1',
  '100::1',
  '3fff::1',
  'ff02::1',
];
const PUBLIC = [
  '8.8.8.8',
  '104.18.2.3',
  '100.128.0.1',
  '198.20.0.1',
  '2606:4700::1111',
  '2a00:1450:4001::200e',
  '::ffff:8.8.8.8',
];

describe('isNonPublicAddress', () => {
  it.each([...NON_PUBLIC.map((address) => [address, true]), ...PUBLIC.map((address) => [address, false])])(
    '%s is not public: %s',
    (address, nonPublic) => {
      expect(isNonPublicAddress(address as string)).toBe(nonPublic);
    },
  );
});

describe('publicGet', () => {
  let server: Server | undefined;
  const sockets: Socket[] = [];
  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.destroy();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  });

  /** A loopback TCP listener that counts connections and answers each with a bare 200. */
  async function listener(): Promise<{ port: number; connections: () => number }> {
    let count = 0;
    server = createServer((socket) => {
      count += 1;
      sockets.push(socket);
      socket.end('HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok');
    });
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    return { port: address.port, connections: () => count };
  }

  const options = () => ({ signal: AbortSignal.timeout(5_000), headers: {} });

  it('never connects to a name that resolves to loopback', async () => {
    const { port, connections } = await listener();
    await expect(publicGet(new URL(`http://localhost:${port}/`), options())).rejects.toBeInstanceOf(
      NonPublicAddressError,
    );
    expect(connections()).toBe(0);
  });

  it('never connects to a non-public address written as a literal, unless the caller vetted it', async () => {
    const { port, connections } = await listener();
    await expect(publicGet(new URL(`http://127.0.0.1:${port}/`), options())).rejects.toBeInstanceOf(
      NonPublicAddressError,
    );
    await expect(publicGet(new URL(`http://[::ffff:7f00:1]:${port}/`), options())).rejects.toBeInstanceOf(
      NonPublicAddressError,
    );
    expect(connections()).toBe(0);
    const vetted = await publicGet(new URL(`http://127.0.0.1:${port}/`), { ...options(), trustLiteral: true });
    expect(vetted.statusCode).toBe(200);
    vetted.resume();
    expect(connections()).toBe(1);
  });
});
