import { readFile, stat } from 'node:fs/promises';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { describe, expect, inject, it, vi } from 'vitest';
import { apiUrl, emulator, newUser, post } from '../support/api.ts';
import { TestOAuthProvider } from '../support/mcp.ts';
import { operationFor } from '../support/response-check.ts';

const logFile = inject('functionLogFile');

/** Shapes of every token the suite's flows produce: Google's (the emulator's) and the broker's own. */
const TOKEN_SHAPES = [/ya29\.emu-[\w-]{8}/, /1\/\/emu-[\w-]{8}/, /4\/emu-[\w-]{8}/, /mcp-(at|rt|code|secret)-[\w-]{8}/];

/** The structured lines the functions wrote after byte `from` of the log file. */
async function entriesSince(from: number): Promise<Array<Record<string, unknown>>> {
  const text = (await readFile(logFile)).subarray(from).toString('utf8');
  return text.split('\n').flatMap((line) => {
    if (!line.startsWith('{')) return [];
    try {
      return [JSON.parse(line) as Record<string, unknown>];
    } catch {
      return [];
    }
  });
}

/** `operation status` once per line, for comparing the calls made with the lines logged. */
const tally = (pairs: string[]) =>
  pairs.reduce((counts, pair) => counts.set(pair, (counts.get(pair) ?? 0) + 1), new Map<string, number>());

describe("the functions' logs", () => {
  it('never contain a token, a refresh token or mail content, on success or failure', async () => {
    const marker = `secret-body-${Date.now()}`;
    const user = await newUser();
    const expired = await newUser();
    const revoked = await newUser();
    await emulator.expireToken(expired.token);
    await emulator.revokeToken(revoked.token);
    const start = (await stat(logFile)).size;

    const traffic: Array<[string, Parameters<typeof post>[1]]> = [
      ['/api/email/send', { token: user.token, body: { to: 'a@example.com', subject: marker, body: marker } }],
      ['/api/email/unread', { token: user.token, body: { limit: 3 } }],
      [
        '/api/email/unread',
        { body: { user_credentials: { access_token: expired.token, refresh_token: expired.refreshToken } } },
      ],
      ['/api/email/unread', { token: revoked.token, body: {} }],
      ['/api/email/send', { token: user.token, body: { to: 'bad', subject: marker, body: marker } }],
      ['/api/email/send', { token: user.token, rawBody: `{"body": "${marker}", ` }],
      ['/api/email/reply', { token: user.token, body: { message_id: 'ffffffffffffffff', body: marker } }],
      ['/api/app/launch', { token: user.token, body: { app_name: 'calculator' } }],
    ];
    const answers = await Promise.all(traffic.map(([path, options]) => post(path, options)));
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 401, 400, 400, 404, 409]);

    // Each call ends with one line naming its operation and status: wait until all are in
    // the file (offline forwards the functions' output asynchronously), then look for secrets.
    const made = tally(traffic.map(([path], i) => `${operationFor('POST', path)?.name} ${answers[i]?.status}`));
    await vi.waitFor(
      async () => {
        const seen = tally(
          (await entriesSince(start))
            .filter((entry) => entry.message === 'request' || entry.message === 'request failed')
            .map((entry) => `${entry.operation} ${entry.status}`),
        );
        for (const [pair, count] of made) expect(seen.get(pair) ?? 0, pair).toBeGreaterThanOrEqual(count);
      },
      { timeout: 10_000, interval: 50 },
    );

    const text = await readFile(logFile, 'utf8');
    for (const secret of [user.token, expired.token, expired.refreshToken, revoked.token, marker]) {
      expect(text.includes(secret), `log contains ${secret.slice(0, 6)}...`).toBe(false);
    }
  });

  it('never contain a token of the MCP sign-in: codes, verifiers, broker tokens, Google tokens', async () => {
    const user = await newUser();
    await emulator.setConsentUser(user.email);
    const start = (await stat(logFile)).size;
    const metadata = (await (await fetch(`${apiUrl}/.well-known/oauth-protected-resource`)).json()) as {
      resource: string;
    };
    const mcpUrl = new URL(metadata.resource);
    const provider = new TestOAuthProvider();
    const first = new StreamableHTTPClientTransport(mcpUrl, { authProvider: provider });
    await new Client({ name: 'logs', version: '1' }).connect(first).catch(() => undefined);
    await first.finishAuth(provider.code ?? '');
    const client = new Client({ name: 'logs', version: '1' });
    await client.connect(new StreamableHTTPClientTransport(mcpUrl, { authProvider: provider }));
    await client.callTool({ name: 'get_unread_emails', arguments: { limit: 2 } });
    await client.callTool({ name: 'send_email', arguments: { to: 'bad', subject: 'x', body: 'y' } });
    // A replayed code and an upstream refusal take the error paths too.
    const replay = await fetch(`${apiUrl}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'authorization_code', code: provider.code ?? '', code_verifier: 'x' }),
    });
    expect(replay.status).toBe(401);
    await emulator.revokeGrants(user.email);
    await expect(client.callTool({ name: 'get_unread_emails', arguments: {} })).rejects.toThrow();
    await client.close().catch(() => undefined);

    // Wait for the last answers' lines (the replayed code's 401, the ended grant's 401).
    await vi.waitFor(
      async () => {
        const lines = (await entriesSince(start))
          .filter((entry) => entry.message === 'request')
          .map((entry) => `${entry.operation} ${entry.status}`);
        expect(lines).toContain('issue_token 401');
        expect(lines).toContain('mcp 401');
      },
      { timeout: 10_000, interval: 50 },
    );
    const log = await readFile(logFile, 'utf8');
    const secrets = [provider.code, provider.verifier, provider.saved?.access_token, provider.saved?.refresh_token];
    for (const secret of secrets) {
      expect(secret).toBeTruthy();
      expect(log.includes(secret ?? ''), `log contains ${secret?.slice(0, 6)}...`).toBe(false);
    }
    for (const shape of TOKEN_SHAPES) expect(log, `log matches ${shape}`).not.toMatch(shape);
  });
});
