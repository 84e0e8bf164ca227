import type { IncomingMessage } from 'node:http';
import type { Config } from '../config.ts';
import { BrokerError } from '../errors.ts';
import { NonPublicAddressError, publicGet } from '../net/public-fetch.ts';
import type { Attachment } from '../schemas/email.ts';
import type { OpenAiFileRef } from '../schemas/files.ts';
import { SERVICE } from '../service.ts';

/**
 * Files the user gave ChatGPT, fetched server-side from their short-lived download links so
 * they can go out as attachments. Links are URLs from a request, so every fetch is checked:
 * https only (plain http only for hosts the deployment lists for it), only hosts on the
 * deployment's allowlist, never a private, loopback or link-local address unless the
 * allowlist names that address itself (a name on the list is trusted to point at public
 * addresses only: DNS answers can change, so the check runs at connect time on the address
 * actually used), redirects followed only to places passing the same checks, a size cap, and
 * a timeout. Nothing is sent unless every file arrived.
 */

/** Largest file fetched from a link. */
export const MAX_LINKED_FILE_BYTES = 10 * 1024 * 1024;
/** All linked files of one mail together: with base64 (4/3) the message stays under Gmail's 25 MB. */
export const MAX_LINKED_TOTAL_BYTES = 18 * 1024 * 1024;
/** Redirects followed per file (each to a URL that passes every check again). */
export const MAX_REDIRECTS = 3;
/** Per file, connect to last byte. */
export const FETCH_TIMEOUT_MS = 10_000;

/** Where links may be fetched from (lib/config.ts: FILE_LINK_HOSTS, FILE_LINK_HTTP_HOSTS). */
export interface LinkPolicy {
  hosts: readonly string[];
  httpHosts: readonly string[];
}

/** The deployment's policy for links. */
export function linkPolicyOf(config: Config): LinkPolicy {
  return { hosts: config.FILE_LINK_HOSTS, httpHosts: config.FILE_LINK_HTTP_HOSTS };
}

/** A URL's host as the allowlist names it: lowercased, IPv6 without brackets. */
function hostOf(url: URL): string {
  return url.hostname.toLowerCase().replace(/^\[|\]$/g, '');
}

const listed = (list: readonly string[], host: string) => list.some((entry) => entry.toLowerCase() === host);

function refused(index: number, message: string, kind: 'invalid_request' | 'payload_too_large' = 'invalid_request') {
  return new BrokerError(kind, message, {
    details: [{ field: `openaiFileIdRefs[${index}].download_link`, message }],
  });
}

/**
 * Checks a link against the policy before any connection: a URL, https (or http for a host
 * listed for it), a host on the allowlist, no credentials in it. A name's addresses are
 * checked later, at connect time.
 */
export function checkLink(link: string, policy: LinkPolicy, index = 0): URL {
  let url: URL;
  try {
    url = new URL(link);
  } catch {
    throw refused(index, 'The download link is not a URL.');
  }
  const host = hostOf(url);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && listed(policy.httpHosts, host))) {
    throw refused(index, `The download link must use https (got ${url.protocol.replace(':', '')}).`);
  }
  if (url.username || url.password) throw refused(index, 'The download link must not carry credentials.');
  if (!listed(policy.hosts, host)) {
    throw refused(index, `Files are only fetched from ${policy.hosts.join(', ')}; not from ${host}.`);
  }
  return url;
}

interface Fetched {
  bytes: Buffer;
}

/** One GET with the checks above; follows redirects only through {@link checkLink}. */
function getOnce(url: URL, index: number, signal: AbortSignal): Promise<IncomingMessage> {
  const host = hostOf(url);
  // An IP literal is used as is (it is on the allowlist, private or not); a name must resolve publicly.
  return publicGet(url, {
    signal,
    trustLiteral: true,
    headers: { accept: '*/*', 'user-agent': SERVICE },
  }).catch((error: NodeJS.ErrnoException) => {
    if (error instanceof NonPublicAddressError)
      throw refused(index, `${host} resolves to a private or loopback address, which the allowlist does not name.`);
    if (error.name === 'AbortError') throw refused(index, `Downloading the file from ${host} took too long.`);
    throw refused(index, `Could not download the file from ${host}.`);
  });
}

/**
 * What all files of one mail may still bring (MAX_LINKED_TOTAL_BYTES), shared by their
 * parallel downloads, and the signal that stops every one of them at the first refusal.
 */
interface Budget {
  remaining: number;
  readonly stop: AbortController;
}

function totalRefused(): BrokerError {
  const message = `The linked files total more than ${MAX_LINKED_TOTAL_BYTES} bytes; at most that goes in one mail.`;
  return new BrokerError('payload_too_large', message, { details: [{ field: 'openaiFileIdRefs', message }] });
}

/**
 * Reads a body under the file's cap and the mail's shared budget, stopping at the first
 * byte over either. A body that stalls past the deadline or whose connection drops is the
 * link's fault (a 400 naming it), not the broker's.
 */
async function readCapped(
  response: IncomingMessage,
  index: number,
  host: string,
  budget: Budget,
  signal: AbortSignal,
): Promise<Buffer> {
  const cap = MAX_LINKED_FILE_BYTES;
  const declared = Number(response.headers['content-length']);
  if (Number.isFinite(declared) && declared > cap) {
    response.destroy();
    throw refused(index, `The file at ${host} is ${declared} bytes; the limit is ${cap}.`, 'payload_too_large');
  }
  if (Number.isFinite(declared) && declared > budget.remaining) {
    // The other files' bytes so far plus this one's announced size already pass the total.
    response.destroy();
    throw totalRefused();
  }
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of response) {
      size += (chunk as Buffer).length;
      budget.remaining -= (chunk as Buffer).length;
      if (size > cap) {
        throw refused(index, `The file at ${host} is larger than the limit of ${cap} bytes.`, 'payload_too_large');
      }
      if (budget.remaining < 0) throw totalRefused();
      chunks.push(chunk as Buffer);
    }
  } catch (error) {
    response.destroy();
    if (error instanceof BrokerError) throw error;
    if (budget.stop.signal.aborted) throw budget.stop.signal.reason;
    if (signal.aborted) throw refused(index, `Downloading the file from ${host} took too long.`);
    throw refused(index, `The connection to ${host} broke off before the whole file arrived.`);
  }
  return Buffer.concat(chunks);
}

async function fetchLink(link: string, policy: LinkPolicy, index: number, budget: Budget): Promise<Fetched> {
  // One signal per file for its deadline and the mail's stop. Not AbortSignal.any: on Node 20
  // a composite of a timeout signal was seen never to fire once the body had started.
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(), FETCH_TIMEOUT_MS);
  const stop = () => deadline.abort();
  budget.stop.signal.addEventListener('abort', stop, { once: true });
  try {
    return await download(link, policy, index, budget, deadline.signal);
  } finally {
    clearTimeout(timer);
    budget.stop.signal.removeEventListener('abort', stop);
  }
}

async function download(
  link: string,
  policy: LinkPolicy,
  index: number,
  budget: Budget,
  signal: AbortSignal,
): Promise<Fetched> {
  let url = checkLink(link, policy, index);
  for (let hop = 0; ; hop += 1) {
    const response = await getOnce(url, index, signal);
    const status = response.statusCode ?? 0;
    if (status >= 300 && status < 400 && response.headers.location) {
      response.resume();
      if (hop >= MAX_REDIRECTS) throw refused(index, 'The download link redirects too many times.');
      url = checkLink(new URL(response.headers.location, url).toString(), policy, index);
      continue;
    }
    if (status !== 200) {
      response.resume();
      throw refused(
        index,
        `The file host answered ${status}; ChatGPT's links are valid five minutes, so ask for the file again.`,
      );
    }
    return { bytes: await readCapped(response, index, hostOf(url), budget, signal) };
  }
}

const MIME = /^[\w.+-]+\/[\w.+-]+$/;

/**
 * Fetches every linked file (in parallel) and returns them as attachments, or throws the
 * first refusal: nothing is sent unless all arrived. Links are never logged or echoed (they
 * carry signatures); refusals name only the host.
 */
export async function fetchFileRefs(
  refs: readonly OpenAiFileRef[] | null | undefined,
  policy: LinkPolicy,
): Promise<Attachment[]> {
  if (!refs || refs.length === 0) return [];
  // Each file and the total are checked as the bytes stream; the first refusal stops every download.
  const budget: Budget = { remaining: MAX_LINKED_TOTAL_BYTES, stop: new AbortController() };
  const files = await Promise.all(
    refs.map((ref, index) =>
      fetchLink(ref.download_link, policy, index, budget).catch((error: unknown) => {
        if (!budget.stop.signal.aborted) budget.stop.abort(error);
        throw error;
      }),
    ),
  );
  return refs.map((ref, index) => ({
    filename: ref.name,
    content_type: MIME.test(ref.mime_type) ? ref.mime_type : 'application/octet-stream',
    data: (files[index] as Fetched).bytes.toString('base64'),
  }));
}

/**
 * Every attachment a mail request carries: its own base64 `attachments`, then the files its
 * `openaiFileIdRefs` link to, fetched under the configured link policy.
 */
export async function requestAttachments(
  body: {
    attachments?: readonly Attachment[] | null | undefined;
    openaiFileIdRefs?: readonly OpenAiFileRef[] | null | undefined;
  },
  config: Config,
): Promise<Attachment[]> {
  return [...(body.attachments ?? []), ...(await fetchFileRefs(body.openaiFileIdRefs, linkPolicyOf(config)))];
}
