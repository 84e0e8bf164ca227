import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, inject, it } from 'vitest';
import { emulator, newUser, post } from '../support/api.ts';

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
});
