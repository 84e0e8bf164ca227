import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { type CreatedUser, EmulatorControl } from '../../emulator/control-client.ts';
import { responseMismatch } from './response-check.ts';

/** The running test stack's addresses (see global-setup.ts). */
export const apiUrl = inject('apiUrl');
export const emulator = new EmulatorControl(inject('emulatorUrl'));

export interface ApiAnswer {
  status: number;
  headers: Headers;
  /** The parsed JSON body (undefined for an empty or non-JSON one). */
  json: any;
  text: string;
}

/**
 * Calls the broker over HTTP exactly as a client would. Every 2xx JSON answer is checked
 * against the response schema of the operation the registry routes it to.
 */
export async function call(
  method: string,
  path: string,
  options: { token?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> } = {},
): Promise<ApiAnswer> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let body: string | undefined;
  if (options.rawBody !== undefined) body = options.rawBody;
  else if (options.body !== undefined) body = JSON.stringify(options.body);
  if (body !== undefined) headers['content-type'] ??= 'application/json';
  const response = await fetch(`${apiUrl}${path}`, { method, headers, ...(body !== undefined ? { body } : {}) });
  const text = await response.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  const answer = { status: response.status, headers: response.headers, json, text };
  const mismatch = responseMismatch(method, path, answer, options.body);
  if (mismatch) throw new Error(mismatch);
  return answer;
}

export const post = (path: string, options: Parameters<typeof call>[2] = {}) => call('POST', path, options);
export const get = (path: string, options: Parameters<typeof call>[2] = {}) => call('GET', path, options);

/**
 * A fresh emulator user with a unique address, so tests never share a mailbox; with `email`,
 * another sign-in of that user instead, with its own tokens (as after Google's hourly refresh).
 */
export async function newUser(
  options: { scopes?: string[]; name?: string; email?: string } = {},
): Promise<CreatedUser> {
  const email = options.email ?? `user-${randomBytes(5).toString('hex')}@example.com`;
  return emulator.createUser({
    email,
    clientId: inject('googleClientId'),
    clientSecret: inject('googleClientSecret'),
    ...(options.scopes ? { scopes: options.scopes } : {}),
    ...(options.name ? { name: options.name } : {}),
  });
}

/** An RFC 822 source with CRLF line ends from a list of lines. */
export function rfc822(lines: string[]): string {
  return `${lines.join('\r\n')}\r\n`;
}
