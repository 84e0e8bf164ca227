import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  generateSigningKeyPair,
  importPublicKey,
  isValidPublicKey,
  type JobFields,
  jobIdOf,
  publicKeyOf,
  REQUEST_SKEW_MS,
  requestAgentId,
  type SignedJob,
  signJob,
  signRequest,
  verifyJob,
  verifyRequest,
} from '#lib/agent-wire/signing';

const broker = generateSigningKeyPair();
const agent = generateSigningKeyPair();
const NOW = 1_800_000_000_000;

const fields: JobFields = {
  job_id: 'job-1',
  agent_id: 'agent-1',
  app: 'gedit',
  args: ['notes.txt', '--new-window'],
  issued_at: NOW - 1_000,
  expires_at: NOW + 60_000,
};

const context = { agentId: 'agent-1', now: NOW };

describe('keys', () => {
  it('generates an Ed25519 pair: base64 SPKI public key and PKCS#8 PEM private key', () => {
    expect(broker.publicKey).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(broker.privateKey).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    expect(importPublicKey(broker.publicKey).asymmetricKeyType).toBe('ed25519');
    expect(publicKeyOf(broker.privateKey)).toBe(broker.publicKey);
  });

  it('recognises valid public keys and rejects everything else', () => {
    expect(isValidPublicKey(agent.publicKey)).toBe(true);
    expect(isValidPublicKey('not a key')).toBe(false);
    expect(isValidPublicKey(agent.privateKey)).toBe(false);
    expect(isValidPublicKey(42)).toBe(false);
  });
});

describe('signJob / verifyJob', () => {
  const job = signJob(fields, broker.privateKey);

  it('accepts a job signed by the broker for this agent inside its window', () => {
    expect(verifyJob(job, broker.publicKey, context)).toEqual({ ok: true, job });
    expect(verifyJob(JSON.parse(JSON.stringify(job)), importPublicKey(broker.publicKey), context).ok).toBe(true);
  });

  it.each([
    ['job_id', 'job-2'],
    ['agent_id', 'agent-2'],
    ['app', 'firefox'],
    ['args', ['notes.txt']],
    ['args', ['notes.txt', '--new-window', 'x']],
    ['args', ['notes.txt--new-window']],
    ['issued_at', NOW - 999],
    ['expires_at', NOW + 60_001],
  ] as const)('refuses the job when %s changes', (field, value) => {
    const tampered = { ...job, [field]: value };
    expect(verifyJob(tampered, broker.publicKey, context)).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('refuses a job signed by any other key', () => {
    const forged = signJob(fields, agent.privateKey);
    expect(verifyJob(forged, broker.publicKey, context)).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('refuses a signature that is not 64 bytes of canonical base64', () => {
    expect(verifyJob({ ...job, signature: 'AAAA' }, broker.publicKey, context).ok).toBe(false);
    expect(verifyJob({ ...job, signature: `${job.signature} ` }, broker.publicKey, context)).toEqual({
      ok: false,
      reason: 'bad_signature',
    });
  });

  it('refuses a validly signed job addressed to another agent', () => {
    expect(verifyJob(job, broker.publicKey, { ...context, agentId: 'agent-2' })).toEqual({
      ok: false,
      reason: 'wrong_agent',
    });
  });

  it('refuses an expired job and one issued too far in the future', () => {
    expect(verifyJob(job, broker.publicKey, { ...context, now: fields.expires_at })).toEqual({
      ok: false,
      reason: 'expired',
    });
    const early = signJob({ ...fields, issued_at: NOW + 120_000, expires_at: NOW + 180_000 }, broker.privateKey);
    expect(verifyJob(early, broker.publicKey, context)).toEqual({ ok: false, reason: 'not_yet_valid' });
    // Small clock differences are tolerated.
    const slightlyEarly = signJob({ ...fields, issued_at: NOW + 5_000 }, broker.privateKey);
    expect(verifyJob(slightlyEarly, broker.publicKey, context).ok).toBe(true);
  });

  it('refuses a job that lives longer than the allowed lifetime', () => {
    const long = signJob({ ...fields, expires_at: NOW + 3_600_000 }, broker.privateKey);
    expect(verifyJob(long, broker.publicKey, context)).toEqual({ ok: false, reason: 'malformed' });
  });

  it.each([
    ['null', null],
    ['a string', 'job'],
    ['a missing field', { ...job, app: undefined }],
    ['an extra field', { ...job, command: '/bin/sh' }],
    ['non-string args', { ...job, args: ['a', 1] }],
    ['a fractional time', { ...job, issued_at: NOW + 0.5 }],
    ['expiry before issue', { ...job, expires_at: job.issued_at }],
  ])('calls %s malformed', (_name, value) => {
    expect(verifyJob(value, broker.publicKey, context)).toEqual({ ok: false, reason: 'malformed' });
  });

  it('refuses to sign malformed fields', () => {
    expect(() => signJob({ ...fields, job_id: '' }, broker.privateKey)).toThrow(/malformed/);
  });

  it('extracts a job id for reporting only when there is a sensible one', () => {
    expect(jobIdOf(job)).toBe('job-1');
    expect(jobIdOf({ job_id: 7 })).toBeUndefined();
    expect(jobIdOf(null)).toBeUndefined();
  });

  it('breaks the signature for any random change to any field (property)', () => {
    const text = fc.string({ maxLength: 20 });
    const arbFields = fc.record({
      job_id: fc.string({ minLength: 1, maxLength: 20 }),
      agent_id: fc.string({ minLength: 1, maxLength: 20 }),
      app: fc.string({ minLength: 1, maxLength: 20 }),
      args: fc.array(text, { maxLength: 4 }),
      issued_at: fc.integer({ min: 0, max: 2 ** 45 }),
      expires_at: fc.integer({ min: 1, max: 600_000 }),
    });
    const change = fc.oneof(
      fc.record({
        field: fc.constantFrom('job_id', 'agent_id', 'app'),
        value: fc.string({ minLength: 1, maxLength: 20 }),
      }),
      fc.record({ field: fc.constant('args'), value: fc.array(text, { maxLength: 4 }) }),
      fc.record({ field: fc.constantFrom('issued_at', 'expires_at'), value: fc.integer({ min: -1000, max: 1000 }) }),
    );
    fc.assert(
      fc.property(arbFields, change, (raw, { field, value }) => {
        const original: JobFields = { ...raw, expires_at: raw.issued_at + raw.expires_at };
        const signed = signJob(original, broker.privateKey);
        const changed: SignedJob = { ...signed };
        if (field === 'issued_at' || field === 'expires_at') {
          (changed[field] as number) = Math.max(0, signed[field] + (value as number));
        } else {
          (changed[field] as unknown) = value;
        }
        const same = JSON.stringify(changed) === JSON.stringify(signed);
        const result = verifyJob(changed, broker.publicKey, {
          agentId: changed.agent_id,
          now: original.issued_at,
        });
        // Either nothing changed, or the change is caught (as a bad signature or as a malformed job).
        return same ? result.ok : !result.ok && ['bad_signature', 'malformed'].includes(result.reason);
      }),
      { numRuns: 300 },
    );
  });
});

describe('signRequest / verifyRequest', () => {
  const request = { method: 'POST', path: '/api/agent/poll', body: '{}', timestamp: NOW, agentId: 'agent-1' };
  const headers = signRequest(request, agent.privateKey);
  const received = { method: 'POST', path: '/api/agent/poll', body: '{}', headers: { ...headers } };

  it('produces the three agent headers and verifies with the agent key', () => {
    expect(Object.keys(headers).sort()).toEqual([
      'x-agent-id',
      'x-agent-nonce',
      'x-agent-signature',
      'x-agent-timestamp',
    ]);
    expect(headers['x-agent-nonce']).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(headers['x-agent-timestamp']).toBe(String(NOW));
    expect(requestAgentId(received.headers)).toBe('agent-1');
    expect(verifyRequest(received, agent.publicKey, { now: NOW + 1_000, maxSkewMs: REQUEST_SKEW_MS })).toEqual({
      ok: true,
      agentId: 'agent-1',
      timestamp: NOW,
      nonce: headers['x-agent-nonce'],
    });
  });

  it('matches header names case-insensitively', () => {
    const upper = {
      'X-Agent-Id': headers['x-agent-id'],
      'X-Agent-Timestamp': headers['x-agent-timestamp'],
      'X-Agent-Nonce': headers['x-agent-nonce'],
      'X-Agent-Signature': headers['x-agent-signature'],
    };
    expect(
      verifyRequest({ ...received, headers: upper }, agent.publicKey, { now: NOW, maxSkewMs: REQUEST_SKEW_MS }).ok,
    ).toBe(true);
  });

  it.each([
    ['body', { body: '{"status":"launched"}' }],
    ['path', { path: '/api/agent/result' }],
    ['method', { method: 'PUT' }],
  ])('refuses the request when its %s changes', (_name, change) => {
    expect(
      verifyRequest({ ...received, ...change }, agent.publicKey, { now: NOW, maxSkewMs: REQUEST_SKEW_MS }),
    ).toEqual({
      ok: false,
      reason: 'bad_signature',
    });
  });

  it('refuses a request claiming another agent id or timestamp than it signed', () => {
    const otherId = { ...received, headers: { ...headers, 'x-agent-id': 'agent-2' } };
    expect(verifyRequest(otherId, agent.publicKey, { now: NOW, maxSkewMs: REQUEST_SKEW_MS })).toEqual({
      ok: false,
      reason: 'bad_signature',
    });
    const otherTime = { ...received, headers: { ...headers, 'x-agent-timestamp': String(NOW + 1) } };
    const otherNonce = { ...received, headers: { ...headers, 'x-agent-nonce': 'AAAAAAAAAAAAAAAAAAAAAA' } };
    expect(verifyRequest(otherNonce, agent.publicKey, { now: NOW, maxSkewMs: REQUEST_SKEW_MS })).toEqual({
      ok: false,
      reason: 'bad_signature',
    });
    expect(verifyRequest(otherTime, agent.publicKey, { now: NOW, maxSkewMs: REQUEST_SKEW_MS })).toEqual({
      ok: false,
      reason: 'bad_signature',
    });
  });

  it('refuses a request signed by another key', () => {
    expect(verifyRequest(received, broker.publicKey, { now: NOW, maxSkewMs: REQUEST_SKEW_MS })).toEqual({
      ok: false,
      reason: 'bad_signature',
    });
  });

  it('refuses a stale or future timestamp beyond the allowed skew', () => {
    expect(
      verifyRequest(received, agent.publicKey, { now: NOW + REQUEST_SKEW_MS, maxSkewMs: REQUEST_SKEW_MS }).ok,
    ).toBe(true);
    expect(
      verifyRequest(received, agent.publicKey, { now: NOW + REQUEST_SKEW_MS + 1, maxSkewMs: REQUEST_SKEW_MS }),
    ).toEqual({
      ok: false,
      reason: 'stale_timestamp',
    });
    expect(
      verifyRequest(received, agent.publicKey, { now: NOW - REQUEST_SKEW_MS - 1, maxSkewMs: REQUEST_SKEW_MS }),
    ).toEqual({
      ok: false,
      reason: 'stale_timestamp',
    });
  });

  it('reports missing or unparseable headers', () => {
    expect(
      verifyRequest({ ...received, headers: {} }, agent.publicKey, { now: NOW, maxSkewMs: REQUEST_SKEW_MS }),
    ).toEqual({
      ok: false,
      reason: 'missing_headers',
    });
    const { 'x-agent-nonce': _nonce, ...noNonce } = headers;
    expect(
      verifyRequest({ ...received, headers: noNonce }, agent.publicKey, { now: NOW, maxSkewMs: REQUEST_SKEW_MS }),
    ).toEqual({
      ok: false,
      reason: 'missing_headers',
    });
    const badTime = { ...received, headers: { ...headers, 'x-agent-timestamp': '1e12' } };
    expect(verifyRequest(badTime, agent.publicKey, { now: NOW, maxSkewMs: REQUEST_SKEW_MS })).toEqual({
      ok: false,
      reason: 'missing_headers',
    });
  });
});

describe('domain separation', () => {
  it('never accepts a job signature as a request signature', () => {
    const job = signJob({ ...fields, agent_id: 'agent-1' }, agent.privateKey);
    // Reuse every field of the job in the request in every plausible way.
    for (const path of [job.job_id, job.app, '/api/agent/poll']) {
      const forged = {
        method: 'POST',
        path,
        body: JSON.stringify(job.args),
        headers: {
          'x-agent-id': job.agent_id,
          'x-agent-timestamp': String(job.issued_at),
          'x-agent-nonce': 'job-nonce-0000000000',
          'x-agent-signature': job.signature,
        },
      };
      expect(verifyRequest(forged, agent.publicKey, { now: job.issued_at, maxSkewMs: REQUEST_SKEW_MS })).toEqual({
        ok: false,
        reason: 'bad_signature',
      });
    }
  });

  it('never accepts a request signature as a job signature', () => {
    const headers = signRequest(
      { method: 'POST', path: '/api/agent/poll', body: '{}', timestamp: NOW, agentId: 'agent-1' },
      broker.privateKey,
    );
    const forged = { ...fields, signature: headers['x-agent-signature'] };
    expect(verifyJob(forged, broker.publicKey, context)).toEqual({ ok: false, reason: 'bad_signature' });
  });
});
