import { readFile, stat } from 'node:fs/promises';
import { describe, expect, inject, it, vi } from 'vitest';
import { emulator, newUser, post } from '../support/api.ts';
import { operationFor } from '../support/response-check.ts';

const logFile = inject('functionLogFile');

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
});
