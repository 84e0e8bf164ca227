import { createHash } from 'node:crypto';

/**
 * The exact bytes that broker and agent sign. Each encoding is the JSON of an array whose
 * first element is a domain tag, followed by the fields in a fixed order. JSON of strings,
 * integers and string arrays is unambiguous, so two different jobs (or requests) never
 * share an encoding, and the distinct tags mean a job signature can never be replayed as
 * a request signature or the other way round.
 */

/** Domain tag of a broker-signed job. Bump the version if the field list ever changes. */
export const JOB_TAG = 'chatgpt-broker-job-v1';

/** Domain tag of an agent-signed request (v2 added the nonce). */
export const REQUEST_TAG = 'chatgpt-broker-agent-request-v2';

/** The signed fields of a job, in the order they are encoded. */
export interface JobFields {
  job_id: string;
  agent_id: string;
  app: string;
  args: string[];
  /** Milliseconds since the epoch. */
  issued_at: number;
  /** Milliseconds since the epoch. */
  expires_at: number;
}

export function canonicalJob(fields: JobFields): Buffer {
  return Buffer.from(
    JSON.stringify([
      JOB_TAG,
      fields.job_id,
      fields.agent_id,
      fields.app,
      fields.args,
      fields.issued_at,
      fields.expires_at,
    ]),
    'utf8',
  );
}

/** What an agent request signature covers. */
export interface RequestFields {
  agentId: string;
  method: string;
  path: string;
  timestamp: number;
  /** Random, used once: the broker refuses a nonce it has seen within the skew window. */
  nonce: string;
  body: string;
}

export function canonicalRequest(fields: RequestFields): Buffer {
  return Buffer.from(
    JSON.stringify([
      REQUEST_TAG,
      fields.agentId,
      fields.method.toUpperCase(),
      fields.path,
      fields.timestamp,
      fields.nonce,
      sha256Hex(fields.body),
    ]),
    'utf8',
  );
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
