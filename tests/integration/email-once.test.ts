import { afterEach, describe, expect, it } from 'vitest';
import { emulator, newUser, post } from '../support/api.ts';
import { receiveOriginal } from '../support/mailbox.ts';

// ChatGPT retries an action that timed out, and a model may fire the same call twice.
describe('sending once', () => {
  afterEach(async () => {
    await emulator.setLatency(0);
    await emulator.clearFaults();
  });

  it('sends one mail for five identical concurrent sends and a retry, and a second for a different body', async () => {
    const user = await newUser();
    const mail = { to: 'ana@example.com', subject: 'Quarterly numbers', body: 'Attached below.' };
    // Slow Gmail down so the five really overlap the first one's send.
    await emulator.setLatency(300);
    const burst = await Promise.all(
      Array.from({ length: 5 }, () => post('/api/email/send', { token: user.token, body: mail })),
    );
    await emulator.setLatency(0);
    const retry = await post('/api/email/send', { token: user.token, body: mail });

    expect(await emulator.sent(user.email)).toHaveLength(1);
    for (const answer of burst) expect([200, 409]).toContain(answer.status);
    const first = burst.find((answer) => answer.status === 200 && answer.json.data.repeat === false);
    expect(first, 'one of the five sent the mail').toBeDefined();
    for (const busy of burst.filter((answer) => answer.status === 409)) {
      expect(busy.json.error).toMatchObject({ code: 'conflict', message: expect.stringMatching(/already being/) });
    }
    expect(retry.status).toBe(200);
    expect(retry.json.data).toEqual({ ...first?.json.data, repeat: true });
    expect(retry.json.message).toMatch(/not sent again/);

    const different = await post('/api/email/send', { token: user.token, body: { ...mail, body: 'Corrected.' } });
    expect(different.json.data.repeat).toBe(false);
    expect(await emulator.sent(user.email)).toHaveLength(2);
  });

  it('keeps two users apart: the same mail from another account is sent', async () => {
    const mail = { to: 'ana@example.com', subject: 'Same words', body: 'Same body.' };
    const [one, two] = [await newUser(), await newUser()];
    expect((await post('/api/email/send', { token: one.token, body: mail })).json.data.repeat).toBe(false);
    expect((await post('/api/email/send', { token: two.token, body: mail })).json.data.repeat).toBe(false);
    expect(await emulator.sent(one.email)).toHaveLength(1);
    expect(await emulator.sent(two.email)).toHaveLength(1);
  });

  it('sends again after a first attempt that failed: a failure leaves no record', async () => {
    const user = await newUser();
    const mail = { to: 'ana@example.com', subject: 'Retry me', body: 'x' };
    await emulator.addFault({ method: 'POST', pathPattern: 'messages/send', status: 503, times: 1 });
    expect((await post('/api/email/send', { token: user.token, body: mail })).status).toBeGreaterThanOrEqual(500);
    const retry = await post('/api/email/send', { token: user.token, body: mail });
    expect(retry.status).toBe(200);
    expect(retry.json.data.repeat).toBe(false);
    expect(await emulator.sent(user.email)).toHaveLength(1);
  });

  it('honours Idempotency-Key: a new key sends the same mail again, a reused key with another mail is refused', async () => {
    const user = await newUser();
    const mail = { to: 'ana@example.com', subject: 'Twice on purpose', body: 'Reminder.' };
    const send = (key: string, body: object) =>
      post('/api/email/send', { token: user.token, body, headers: { 'idempotency-key': key } });
    expect((await send('key-1', mail)).json.data.repeat).toBe(false);
    expect((await send('key-1', mail)).json.data.repeat).toBe(true);
    expect((await send('key-2', mail)).json.data.repeat).toBe(false);
    const misuse = await send('key-1', { ...mail, body: 'Something else.' });
    expect(misuse.status).toBe(409);
    expect(misuse.json.error.message).toMatch(/Idempotency-Key/);
    expect(await emulator.sent(user.email)).toHaveLength(2);
    const malformed = await send('bad key with spaces', mail);
    expect(malformed.status).toBe(400);
  });

  it('replies once: a repeated reply answers the first and sends nothing', async () => {
    const user = await newUser();
    const original = await receiveOriginal(user);
    const reply = { message_id: original.id, body: 'Yes, see you there.' };
    const first = await post('/api/email/reply', { token: user.token, body: reply });
    const again = await post('/api/email/reply', { token: user.token, body: reply });
    expect(first.json.data.repeat).toBe(false);
    expect(again.json.data).toEqual({ ...first.json.data, repeat: true });
    expect(await emulator.sent(user.email)).toHaveLength(1);
  });
});
