import { readFileSync } from 'node:fs';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { afterEach, beforeEach, vi } from 'vitest';

const FIXTURES = new URL('../../fixtures/events/', import.meta.url);

/** The fixtures in tests/fixtures/events, recorded in API Gateway's HTTP API payload format 2.0. */
export type EventFixture = 'send-email' | 'unread-emails-body-credentials' | 'launch-status';

/**
 * A fresh copy of an API Gateway v2 event fixture, with `headers` merged in (a header set
 * to `undefined` is removed) and the other fields replaced.
 */
export function apiEvent(
  name: EventFixture,
  changes: { headers?: Record<string, string | undefined>; body?: string; isBase64Encoded?: boolean } = {},
): APIGatewayProxyEventV2 {
  const event = JSON.parse(readFileSync(new URL(`${name}.json`, FIXTURES), 'utf8')) as APIGatewayProxyEventV2;
  const headers: Record<string, string | undefined> = { ...event.headers, ...changes.headers };
  for (const [key, value] of Object.entries(headers)) if (value === undefined) delete headers[key];
  return {
    ...event,
    headers,
    ...(changes.body !== undefined ? { body: changes.body } : {}),
    ...(changes.isBase64Encoded !== undefined ? { isBase64Encoded: changes.isBase64Encoded } : {}),
  };
}

/** The bearer token a fixture carries. */
export function bearerOf(event: APIGatewayProxyEventV2): string {
  return (event.headers.authorization ?? '').replace(/^Bearer /, '');
}

/**
 * Records every line the logger writes (it writes through process.stdout and stderr, as
 * on Lambda) until `restore`; the lines are kept out of the test output.
 */
export function captureLogs() {
  const chunks: string[] = [];
  const record = ((chunk: unknown) => {
    chunks.push(String(chunk));
    return true;
  }) as typeof process.stdout.write;
  const out = vi.spyOn(process.stdout, 'write').mockImplementation(record);
  const err = vi.spyOn(process.stderr, 'write').mockImplementation(record);
  return {
    /** Everything written, as one string (for "never contains" checks). */
    text: () => chunks.join(''),
    /** The structured entries, one per JSON line. */
    entries: () =>
      chunks
        .join('')
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as Record<string, unknown>),
    restore: () => {
      out.mockRestore();
      err.mockRestore();
    },
  };
}

/** Captures the logger's lines during each test of the calling file (a fresh record per test). */
export function logsOfEachTest() {
  let current: ReturnType<typeof captureLogs> | undefined;
  beforeEach(() => {
    current = captureLogs();
  });
  afterEach(() => current?.restore());
  return {
    text: () => current?.text() ?? '',
    entries: () => current?.entries() ?? [],
  };
}
