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

  it('is once per person, not per token: two tokens of one account send one mail, one after the other', async () => {
    const user = await newUser();
    const refreshed = await newUser({ email: user.email });
    expect(refreshed.token).not.toBe(user.token);
    const mail = { to: 'ana@example.com', subject: 'Board minutes', body: 'See below.' };

    const first = await post('/api/email/send', { token: user.token, body: mail });
    const second = await post('/api/email/send', { token: refreshed.token, body: mail });
    expect(first.json.data.repeat).toBe(false);
    expect(second.status).toBe(200);
    expect(second.json.data).toEqual({ ...first.json.data, repeat: true });
    expect(second.json.message).toMatch(/not sent again/);
    expect(await emulator.sent(user.email)).toHaveLength(1);

    // The same request from someone else is their own mail; a changed body is a new mail.
    const other = await newUser();
    expect((await post('/api/email/send', { token: other.token, body: mail })).json.data.repeat).toBe(false);
    expect(await emulator.sent(other.email)).toHaveLength(1);
    const changed = await post('/api/email/send', { token: refreshed.token, body: { ...mail, body: 'Corrected.' } });
    expect(changed.json.data.repeat).toBe(false);
    expect(await emulator.sent(user.email)).toHaveLength(2);
  });

  it('is once per person when two tokens of one account send at the same moment', async () => {
    const user = await newUser();
    const tokens = [user.token, (await newUser({ email: user.email })).token];
    const mail = { to: 'ana@example.com', subject: 'Both at once', body: 'Same words.' };
    await emulator.setLatency(300);
    const answers = await Promise.all(tokens.map((token) => post('/api/email/send', { token, body: mail })));
    await emulator.setLatency(0);

    expect(await emulator.sent(user.email)).toHaveLength(1);
    const sent = answers.filter((answer) => answer.status === 200 && answer.json.data.repeat === false);
    expect(sent).toHaveLength(1);
    // The other one says it is a repeat: either of a finished send or of one still under way.
    const [other] = answers.filter((answer) => answer !== sent[0]);
    if (other?.status === 409) expect(other.json.error.message).toMatch(/already being handled/);
    else expect(other?.json.data).toEqual({ ...sent[0]?.json.data, repeat: true });
    const retry = await post('/api/email/send', { token: tokens[1] ?? '', body: mail });
    expect(retry.json.data).toEqual({ ...sent[0]?.json.data, repeat: true });
    expect(await emulator.sent(user.email)).toHaveLength(1);
  });

  it('scopes an Idempotency-Key to the person: their other token repeats, another user with the same key sends', async () => {
    const [user, stranger] = [await newUser(), await newUser()];
    const refreshed = await newUser({ email: user.email });
    const mail = { to: 'ana@example.com', subject: 'Keyed', body: 'Once.' };
    const send = (token: string) =>
      post('/api/email/send', { token, body: mail, headers: { 'idempotency-key': 'k-1' } });
    expect((await send(user.token)).json.data.repeat).toBe(false);
    expect((await send(refreshed.token)).json.data.repeat).toBe(true);
    expect((await send(stranger.token)).json.data.repeat).toBe(false);
    expect(await emulator.sent(user.email)).toHaveLength(1);
    expect(await emulator.sent(stranger.email)).toHaveLength(1);
  });

  it('ignores a malformed Idempotency-Key on a read: only a send uses (and refuses) it', async () => {
    const user = await newUser();
    const headers = { 'idempotency-key': 'bad key with spaces' };
    const read = await post('/api/email/unread', { token: user.token, body: { limit: 1 }, headers });
    expect(read.status, read.text).toBe(200);
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
