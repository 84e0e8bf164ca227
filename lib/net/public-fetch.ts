import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { BlockList, isIP, type LookupFunction } from 'node:net';

/**
 * Outbound requests to URLs that came from a request (file links, client ID metadata
 * documents) reach public addresses only. The check runs at connect time on the address
 * actually connected to, not on the host name's text: DNS answers can point anywhere and
 * change between a check and a connection.
 */

/**
 * IANA's special-purpose registries (IPv4 and IPv6) less what is globally reachable, plus
 * multicast and the reserved rest: nothing here is a public web server. Two lists: a
 * BlockList checks IPv4 addresses against IPv6 rules too (as IPv4-mapped), so one list
 * holding `::ffff:0:0/96` would block every IPv4 address.
 */
const NON_PUBLIC_V4 = new BlockList();
const NON_PUBLIC_V6 = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8], // private
  ['100.64.0.0', 10], // shared address space (carrier-grade NAT)
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local (cloud metadata services)
  ['172.16.0.0', 12], // private
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // documentation
  ['192.31.196.0', 24], // AS112
  ['192.52.193.0', 24], // AMT
  ['192.88.99.0', 24], // 6to4 relay anycast (deprecated)
  ['192.168.0.0', 16], // private
  ['192.175.48.0', 24], // direct delegation AS112
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // documentation
  ['203.0.113.0', 24], // documentation
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, and the limited broadcast address
] as const) {
  NON_PUBLIC_V4.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 96], // unspecified, loopback and the deprecated IPv4-compatible form
  ['64:ff9b::', 96], // NAT64: reaches any IPv4 address, private ones too
  ['64:ff9b:1::', 48], // local-use NAT64
  ['100::', 64], // discard
  ['2001::', 23], // IETF protocol assignments (Teredo, ORCHID, ...)
  ['2001:db8::', 32], // documentation
  ['2002::', 16], // 6to4: embeds any IPv4 address
  ['3fff::', 20], // documentation
  ['5f00::', 16], // segment routing
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated)
  ['ff00::', 8], // multicast
] as const) {
  NON_PUBLIC_V6.addSubnet(network, prefix, 'ipv6');
}

/** True for loopback, private, link-local, shared, translated, multicast and reserved addresses (IPv4-mapped too). */
export function isNonPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return NON_PUBLIC_V4.check(address, 'ipv4');
  if (family === 6) {
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
    if (mapped) return NON_PUBLIC_V4.check(mapped, 'ipv4');
    // Any other IPv4-mapped form counts as not public: refuse what we cannot place.
    if (/^::ffff:/i.test(address)) return true;
    return NON_PUBLIC_V6.check(address, 'ipv6');
  }
  return true;
}

/** Why a connection was not made: the host is, or resolves to, a non-public address. */
export class NonPublicAddressError extends Error {
  readonly code = 'ENONPUBLIC';
  constructor(readonly host: string) {
    super(`${host} is or resolves to a private or loopback address`);
    this.name = 'NonPublicAddressError';
  }
}

/** A DNS lookup that refuses non-public answers: the address checked is the one connected to. */
export const publicOnlyLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
    if (error) return callback(error, '', 0);
    if (addresses.length === 0 || addresses.some((entry) => isNonPublicAddress(entry.address)))
      return callback(new NonPublicAddressError(hostname), '', 0);
    if ((options as { all?: boolean }).all)
      return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
    const [first] = addresses as [LookupAddress];
    return callback(null, first.address, first.family);
  });
};

/** How {@link publicGet} makes its one request. */
export interface PublicGetOptions {
  signal: AbortSignal;
  headers: Record<string, string>;
  /**
   * The URL's host is an IP literal the caller has vetted itself (an allowlist naming that
   * address): connect to it as it is. Otherwise a literal must be public too.
   */
  trustLiteral?: boolean;
}

/**
 * One GET (no redirects followed) that connects only to a public address: a host name
 * through {@link publicOnlyLookup}, an IP literal checked as written. Rejects with
 * {@link NonPublicAddressError} before any connection, or with the request's own error.
 */
export function publicGet(url: URL, options: PublicGetOptions): Promise<IncomingMessage> {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const literal = isIP(host) !== 0;
  if (literal && !options.trustLiteral && isNonPublicAddress(host))
    return Promise.reject(new NonPublicAddressError(host));
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'GET',
        signal: options.signal,
        headers: options.headers,
        ...(literal ? {} : { lookup: publicOnlyLookup }),
      },
      resolve,
    );
    req.on('error', reject);
    req.end();
  });
}

/**
 * Reads a response body up to `cap` bytes; past the cap the response is dropped and
 * `tooLarge()` thrown (an error, never a truncation), before the rest is downloaded.
 */
export async function readCapped(response: IncomingMessage, cap: number, tooLarge: () => Error): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response) {
    size += (chunk as Buffer).length;
    if (size > cap) {
      response.destroy();
      throw tooLarge();
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}
