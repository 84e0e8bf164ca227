import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  randomBytes,
  sign,
  verify,
} from 'node:crypto';
import { canonicalJob, canonicalRequest, type JobFields } from './canonical.ts';

/**
 * Ed25519 signing shared by the broker and the desktop agent (node:crypto only).
 *
 * - The broker signs jobs with its private key; the agent verifies them with the broker
 *   public key it pinned at registration, so a stolen agent state cannot mint jobs.
 * - The agent signs every request after registration with its own key; the broker
 *   verifies with the public key the agent registered.
 */

export type { JobFields } from './canonical.ts';

/** A job as the broker hands it to the agent. */
export interface SignedJob extends JobFields {
  /** Base64 of the 64-byte Ed25519 signature over `canonicalJob(fields)`. */
  signature: string;
}

export interface SigningKeyPair {
  /** Base64 of the SPKI DER encoding (what the agent registers, what the broker publishes). */
  publicKey: string;
  /** PKCS#8 PEM. */
  privateKey: string;
}

/** A key as stored (base64 SPKI DER or PEM for public keys, PEM for private) or already imported. */
export type PublicKeyInput = string | KeyObject;
export type PrivateKeyInput = string | KeyObject;

export function generateSigningKeyPair(): SigningKeyPair {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  return {
    publicKey: publicKey.export({ format: 'der', type: 'spki' }).toString('base64'),
    privateKey: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
  };
}

/** Imports an Ed25519 public key from base64 SPKI DER (or a PUBLIC KEY PEM). Throws on anything else. */
export function importPublicKey(key: PublicKeyInput): KeyObject {
  if (typeof key !== 'string') return requireEd25519(key, 'public');
  const trimmed = key.trim();
  // Only a PUBLIC KEY PEM: createPublicKey would happily derive one from a private key.
  const imported = trimmed.startsWith('-----BEGIN PUBLIC KEY-----')
    ? createPublicKey(trimmed)
    : createPublicKey({ key: strictBase64(trimmed, 'public key'), format: 'der', type: 'spki' });
  return requireEd25519(imported, 'public');
}

/** Imports an Ed25519 private key from PKCS#8 PEM. Throws on anything else. */
export function importPrivateKey(key: PrivateKeyInput): KeyObject {
  if (typeof key !== 'string') return requireEd25519(key, 'private');
  return requireEd25519(createPrivateKey(key), 'private');
}

/** The base64 SPKI public key that belongs to a private key (e.g. to publish the broker's). */
export function publicKeyOf(privateKey: PrivateKeyInput): string {
  return createPublicKey(importPrivateKey(privateKey)).export({ format: 'der', type: 'spki' }).toString('base64');
}

/** True when `key` imports as an Ed25519 public key (for validating registrations). */
export function isValidPublicKey(key: unknown): key is string {
  if (typeof key !== 'string' || key.length > 1_000) return false;
  try {
    importPublicKey(key);
    return true;
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------
// Jobs

export type JobRejection = 'bad_signature' | 'wrong_agent' | 'expired' | 'not_yet_valid' | 'malformed';
export type JobVerification = { ok: true; job: SignedJob } | { ok: false; reason: JobRejection };

export interface VerifyJobOptions {
  /** The agent doing the verifying: a job for any other agent is refused. */
  agentId: string;
  /** Current time, ms since the epoch. */
  now: number;
  /** Tolerated clock difference for `issued_at` in the future (default `REQUEST_SKEW_MS`). */
  maxClockSkewMs?: number;
  /** Longest accepted `expires_at - issued_at` (default 10 min): jobs are meant to be short-lived. */
  maxLifetimeMs?: number;
}

const JOB_KEYS = ['job_id', 'agent_id', 'app', 'args', 'issued_at', 'expires_at', 'signature'] as const;

/** Signs a job. Throws if a field is malformed (the same rules `verifyJob` applies). */
export function signJob(fields: JobFields, privateKey: PrivateKeyInput): SignedJob {
  const copy: JobFields = {
    job_id: fields.job_id,
    agent_id: fields.agent_id,
    app: fields.app,
    args: [...fields.args],
    issued_at: fields.issued_at,
    expires_at: fields.expires_at,
  };
  if (!isWellFormedJobFields(copy)) throw new TypeError('signJob: malformed job fields');
  const signature = sign(null, canonicalJob(copy), importPrivateKey(privateKey)).toString('base64');
  return { ...copy, signature };
}

/**
 * Verifies a job received from the broker: shape, signature (with the pinned broker key),
 * addressee, and validity window. Anything not exactly a `SignedJob` is `malformed`.
 */
export function verifyJob(job: unknown, brokerPublicKey: PublicKeyInput, options: VerifyJobOptions): JobVerification {
  if (!isSignedJobShape(job)) return { ok: false, reason: 'malformed' };
  const signature = decodeSignature(job.signature);
  if (signature === undefined) return { ok: false, reason: 'bad_signature' };
  if (!verify(null, canonicalJob(job), importPublicKey(brokerPublicKey), signature)) {
    return { ok: false, reason: 'bad_signature' };
  }
  if (job.agent_id !== options.agentId) return { ok: false, reason: 'wrong_agent' };
  const maxSkew = options.maxClockSkewMs ?? REQUEST_SKEW_MS;
  const maxLifetime = options.maxLifetimeMs ?? 10 * 60_000;
  if (job.expires_at - job.issued_at > maxLifetime) return { ok: false, reason: 'malformed' };
  if (options.now >= job.expires_at) return { ok: false, reason: 'expired' };
  if (job.issued_at > options.now + maxSkew) return { ok: false, reason: 'not_yet_valid' };
  return { ok: true, job };
}

/** The job id of something that looks like a job, for reporting a refusal. */
export function jobIdOf(job: unknown): string | undefined {
  if (typeof job !== 'object' || job === null) return undefined;
  const id = (job as Record<string, unknown>).job_id;
  return typeof id === 'string' && id.length > 0 && id.length <= MAX_ID_LENGTH ? id : undefined;
}

const MAX_ID_LENGTH = 200;

function isWellFormedJobFields(job: JobFields): boolean {
  return (
    isId(job.job_id) &&
    isId(job.agent_id) &&
    typeof job.app === 'string' &&
    job.app.length > 0 &&
    job.app.length <= MAX_ID_LENGTH &&
    Array.isArray(job.args) &&
    job.args.every((arg) => typeof arg === 'string') &&
    isTime(job.issued_at) &&
    isTime(job.expires_at) &&
    job.expires_at > job.issued_at
  );
}

function isSignedJobShape(value: unknown): value is SignedJob {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  if (keys.length !== JOB_KEYS.length || !JOB_KEYS.every((key) => Object.hasOwn(value, key))) return false;
  const job = value as SignedJob;
  return typeof job.signature === 'string' && isWellFormedJobFields(job);
}

function isId(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_ID_LENGTH;
}

function isTime(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

// ---------------------------------------------------------------------------------------
// Agent requests

/**
 * Largest accepted difference between an agent request's timestamp and the broker's clock
 * (and how long the broker remembers each nonce), and how far in the future a job's
 * issue time may lie on the agent's clock. An agent whose clock is further off than this
 * has every request refused as stale.
 */
export const REQUEST_SKEW_MS = 60_000;

/** The headers every signed agent request carries (lower case, as HTTP/2 and API Gateway v2 give them). */
export const AGENT_HEADERS = {
  id: 'x-agent-id',
  timestamp: 'x-agent-timestamp',
  nonce: 'x-agent-nonce',
  signature: 'x-agent-signature',
} as const;

/** The four headers of a signed request, keyed by their wire names. */
export type AgentRequestHeaders = { [Name in (typeof AGENT_HEADERS)[keyof typeof AGENT_HEADERS]]: string };

/** 16 to 64 base64url characters: `newNonce` makes 22 (128 random bits). */
const NONCE_PATTERN = /^[A-Za-z0-9_-]{16,64}$/;

/** A fresh request nonce: 128 random bits, base64url. */
export function newNonce(): string {
  return randomBytes(16).toString('base64url');
}

export interface RequestToSign {
  method: string;
  /** The URL path exactly as sent on the wire (API Gateway v2: `event.rawPath`, plus `?query` if any). */
  path: string;
  /** The exact body text sent (`''` when there is none). */
  body: string;
  /** Milliseconds since the epoch. */
  timestamp: number;
  agentId: string;
  /** A fresh one (`newNonce`) when absent. */
  nonce?: string;
}

/** Signs an agent request; returns the four headers to send with it. */
export function signRequest(request: RequestToSign, agentPrivateKey: PrivateKeyInput): AgentRequestHeaders {
  const nonce = request.nonce ?? newNonce();
  const signature = sign(null, canonicalRequest({ ...request, nonce }), importPrivateKey(agentPrivateKey));
  return {
    [AGENT_HEADERS.id]: request.agentId,
    [AGENT_HEADERS.timestamp]: String(request.timestamp),
    [AGENT_HEADERS.nonce]: nonce,
    [AGENT_HEADERS.signature]: signature.toString('base64'),
  };
}

export type RequestRejection = 'missing_headers' | 'bad_signature' | 'stale_timestamp';
export type RequestVerification =
  | { ok: true; agentId: string; timestamp: number; nonce: string }
  | { ok: false; reason: RequestRejection };

export interface ReceivedRequest {
  method: string;
  path: string;
  body: string;
  /** Header names are matched case-insensitively. */
  headers: Readonly<Record<string, string | undefined>>;
}

export interface VerifyRequestOptions {
  now: number;
  /** Largest accepted difference between the request timestamp and `now` (`REQUEST_SKEW_MS`). */
  maxSkewMs: number;
}

/**
 * The agent id a request claims (read it to look up that agent's public key, then call
 * `verifyRequest`, which checks the signature covers that id).
 */
export function requestAgentId(headers: Readonly<Record<string, string | undefined>>): string | undefined {
  const id = header(headers, AGENT_HEADERS.id);
  return id !== undefined && isId(id) ? id : undefined;
}

/**
 * Verifies an agent request against the public key registered for the agent named in
 * its `AGENT_HEADERS.id` header. Missing or unparseable headers are `missing_headers`. The
 * caller must still refuse a nonce it has seen before (`lib/jobs/nonces.ts`).
 */
export function verifyRequest(
  request: ReceivedRequest,
  agentPublicKey: PublicKeyInput,
  options: VerifyRequestOptions,
): RequestVerification {
  const agentId = requestAgentId(request.headers);
  const timestampText = header(request.headers, AGENT_HEADERS.timestamp);
  const nonce = header(request.headers, AGENT_HEADERS.nonce);
  const signatureText = header(request.headers, AGENT_HEADERS.signature);
  if (agentId === undefined || timestampText === undefined || nonce === undefined || signatureText === undefined) {
    return { ok: false, reason: 'missing_headers' };
  }
  if (!/^\d{1,15}$/.test(timestampText) || !NONCE_PATTERN.test(nonce)) return { ok: false, reason: 'missing_headers' };
  const timestamp = Number(timestampText);
  const signature = decodeSignature(signatureText);
  if (signature === undefined) return { ok: false, reason: 'bad_signature' };
  const signed = canonicalRequest({
    agentId,
    method: request.method,
    path: request.path,
    timestamp,
    nonce,
    body: request.body,
  });
  if (!verify(null, signed, importPublicKey(agentPublicKey), signature)) return { ok: false, reason: 'bad_signature' };
  if (Math.abs(options.now - timestamp) > options.maxSkewMs) {
    return { ok: false, reason: 'stale_timestamp' };
  }
  return { ok: true, agentId, timestamp, nonce };
}

// ---------------------------------------------------------------------------------------

function header(headers: Readonly<Record<string, string | undefined>>, name: string): string | undefined {
  const direct = headers[name];
  if (direct !== undefined) return direct;
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === name) return value;
  }
  return undefined;
}

/** A 64-byte Ed25519 signature in canonical base64, or undefined. */
function decodeSignature(text: string): Buffer | undefined {
  try {
    const bytes = strictBase64(text, 'signature');
    return bytes.length === 64 ? bytes : undefined;
  } catch {
    return undefined;
  }
}

/** Decodes base64, refusing anything that does not re-encode to the same text. */
function strictBase64(text: string, what: string): Buffer {
  const bytes = Buffer.from(text, 'base64');
  if (bytes.toString('base64') !== text) throw new TypeError(`${what} is not canonical base64`);
  return bytes;
}

function requireEd25519(key: KeyObject, type: 'public' | 'private'): KeyObject {
  if (key.type !== type || key.asymmetricKeyType !== 'ed25519') {
    throw new TypeError(`expected an Ed25519 ${type} key, got ${key.asymmetricKeyType ?? key.type}`);
  }
  return key;
}
