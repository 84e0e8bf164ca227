import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { describe, expect, inject, it } from 'vitest';
import { apiUrl, emulator, newUser, post } from '../support/api.ts';
import { TestOAuthProvider } from '../support/mcp.ts';

/** Shapes of every token the suite's flows produce: Google's (the emulator's) and the broker's own. */
const TOKEN_SHAPES = [/ya29\.emu-[\w-]{8}/, /1\/\/emu-[\w-]{8}/, /4\/emu-[\w-]{8}/, /mcp-(at|rt|code|secret)-[\w-]{8}/];

describe("the functions' logs", () => {
  it('never contain a token, a refresh token or mail content, on success or failure', async () => {
    const marker = `secret-body-${Date.now()}`;
    const user = await newUser();
    const expired = await newUser();
    const revoked = await newUser();
    await emulator.expireToken(expired.token);
    await emulator.revokeToken(revoked.token);

    const traffic = [
      post('/api/email/send', { token: user.token, body: { to: 'a@example.com', subject: marker, body: marker } }),
      post('/api/email/unread', { token: user.token, body: { limit: 3 } }),
      post('/api/email/unread', {
        body: { user_credentials: { access_token: expired.token, refresh_token: expired.refreshToken } },
      }),
      post('/api/email/unread', { token: revoked.token, body: {} }),
      post('/api/email/send', { token: user.token, body: { to: 'bad', subject: marker, body: marker } }),
      post('/api/email/send', { token: user.token, rawBody: `{"body": "${marker}", ` }),
      post('/api/email/reply', { token: user.token, body: { message_id: 'ffffffffffffffff', body: marker } }),
      post('/api/app/launch', { token: user.token, body: { app_name: 'calculator' } }),
    ];
    const answers = await Promise.all(traffic);
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 401, 400, 400, 404, 409]);
    await sleep(500); // let offline flush the last lines

    const log = await readFile(inject('functionLogFile'), 'utf8');
    expect(log).toContain('"operation":"send_email"');
    for (const secret of [user.token, expired.token, expired.refreshToken, revoked.token, marker]) {
      expect(log.includes(secret), `log contains ${secret.slice(0, 6)}...`).toBe(false);
    }
  });

  it('never contain a token of the MCP sign-in: codes, verifiers, broker tokens, Google tokens', async () => {
    const user = await newUser();
    await emulator.setConsentUser(user.email);
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

    const log = await readFile(inject('functionLogFile'), 'utf8');
    expect(log).toContain('"operation":"issue_token"');
    expect(log).toContain('"operation":"mcp"');
    const secrets = [provider.code, provider.verifier, provider.saved?.access_token, provider.saved?.refresh_token];
    for (const secret of secrets) {
      expect(secret).toBeTruthy();
      expect(log.includes(secret ?? ''), `log contains ${secret?.slice(0, 6)}...`).toBe(false);
    }
    for (const shape of TOKEN_SHAPES) expect(log, `log matches ${shape}`).not.toMatch(shape);
  });
});
