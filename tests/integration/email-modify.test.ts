import { gmail } from '@googleapis/gmail';
import { OAuth2Client } from 'google-auth-library';
import { describe, expect, inject, it } from 'vitest';
import { emulator, newUser, post } from '../support/api.ts';
import { type ArrivingMail, receive } from '../support/mailbox.ts';

function gmailAs(token: string) {
  const auth = new OAuth2Client();
  auth.setCredentials({ access_token: token });
  return gmail({ version: 'v1', auth, rootUrl: `${inject('emulatorUrl')}/` });
}

const mail = (i: number): ArrivingMail => ({ from: 'news@example.com', subject: `Update ${i}`, body: `Body ${i}` });

async function labelsOf(token: string, id: string): Promise<string[]> {
  const { data } = await gmailAs(token).users.messages.get({ userId: 'me', id, format: 'minimal' });
  return [...(data.labelIds ?? [])].sort();
}

describe('POST /api/email/modify', () => {
  it('marks 300 emails read and archives them in ONE Gmail batchModify call', async () => {
    const user = await newUser();
    const ids: string[] = [];
    for (let i = 0; i < 300; i += 1) ids.push((await receive(user, mail(i))).id);
    await emulator.clearRequests();
    const answer = await post('/api/email/modify', {
      token: user.token,
      body: { message_ids: ids, actions: ['mark_read', 'archive'] },
    });
    expect(answer.status, answer.text).toBe(200);
    expect(answer.json.data).toEqual({ requested: 300, added_labels: [], removed_labels: ['UNREAD', 'INBOX'] });
    const gmailCalls = (await emulator.requests()).filter((request) => request.path.startsWith('/gmail/'));
    expect(gmailCalls.map((request) => `${request.method} ${request.path}`)).toEqual([
      'POST /gmail/v1/users/me/messages/batchModify',
    ]);
    for (const id of [ids[0], ids[150], ids[299]]) expect(await labelsOf(user.token, id ?? '')).toEqual([]);
    const unread = await post('/api/email/unread', { token: user.token, body: { limit: 5 } });
    expect(unread.json.count).toBe(0);
  });

  it("says the change was requested, not done, for ids Gmail may skip: another account's email stays unread", async () => {
    const user = await newUser();
    const stranger = await newUser();
    const own = await receive(user, mail(1));
    const foreign = await receive(stranger, mail(2));
    await emulator.clearRequests();
    const answer = await post('/api/email/modify', {
      token: user.token,
      body: { message_ids: [own.id, foreign.id], actions: ['mark_read'] },
    });
    expect(answer.status, answer.text).toBe(200);
    expect(answer.json.data.requested).toBe(2);
    expect(answer.json.message).toBe(
      'Requested the change for 2 emails; Gmail does not confirm each one (ids not in this mailbox are skipped).',
    );
    expect(answer.json.message).not.toMatch(/Updated/);
    // What this honesty costs: nothing; the one batchModify is the only Gmail call.
    const gmailCalls = (await emulator.requests()).filter((request) => request.path.startsWith('/gmail/'));
    expect(gmailCalls).toHaveLength(1);
    expect(await labelsOf(user.token, own.id)).toEqual(['INBOX']);
    expect(await labelsOf(stranger.token, foreign.id)).toEqual(['INBOX', 'UNREAD']);
  });

  it('stars, moves to the inbox, marks unread and adds and removes labels by name', async () => {
    const user = await newUser();
    const { data: receipts } = await gmailAs(user.token).users.labels.create({
      userId: 'me',
      requestBody: { name: 'Receipts' },
    });
    const seeded = await receive(user, mail(1), { labelIds: [] });
    const first = await post('/api/email/modify', {
      token: user.token,
      body: { message_ids: [seeded.id], actions: ['star', 'move_to_inbox', 'mark_unread'], add_labels: ['receipts'] },
    });
    expect(first.status, first.text).toBe(200);
    expect(await labelsOf(user.token, seeded.id)).toEqual(['INBOX', 'STARRED', 'UNREAD', receipts.id].sort());
    const found = await post('/api/email/search', { token: user.token, body: { query: 'label:Receipts is:starred' } });
    expect(found.json.emails.map((email: { message_id: string }) => email.message_id)).toEqual([seeded.id]);
    const second = await post('/api/email/modify', {
      token: user.token,
      body: { message_ids: [seeded.id], actions: ['unstar'], remove_labels: ['Receipts'] },
    });
    expect(second.status).toBe(200);
    expect(await labelsOf(user.token, seeded.id)).toEqual(['INBOX', 'UNREAD']);
  });

  it('changes a whole thread with one threads.modify', async () => {
    const user = await newUser();
    const first = await receive(user, { subject: 'T', messageId: '<t1@example.com>', body: 'one' });
    const second = await receive(user, {
      subject: 'Re: T',
      messageId: '<t2@example.com>',
      references: '<t1@example.com>',
      body: 'two',
    });
    expect(second.threadId).toBe(first.threadId);
    await emulator.clearRequests();
    const answer = await post('/api/email/modify', {
      token: user.token,
      body: { thread_id: first.threadId, actions: ['mark_read'] },
    });
    expect(answer.status).toBe(200);
    expect((await emulator.requests()).filter((request) => request.path.includes('/threads/'))).toHaveLength(1);
    expect(await labelsOf(user.token, first.id)).toEqual(['INBOX']);
    expect(await labelsOf(user.token, second.id)).toEqual(['INBOX']);
  });

  it('refuses contradictions, unknown labels, both or neither target, over 1,000 ids, and a token without gmail.modify', async () => {
    const user = await newUser();
    const seeded = await receive(user, mail(1));
    const bad = [
      { message_ids: [seeded.id], actions: ['star', 'unstar'] },
      { message_ids: [seeded.id] },
      { message_ids: [seeded.id], thread_id: seeded.threadId, actions: ['star'] },
      { actions: ['star'] },
      { message_ids: Array.from({ length: 1001 }, (_, i) => `${i}`), actions: ['star'] },
    ];
    for (const body of bad) expect((await post('/api/email/modify', { token: user.token, body })).status).toBe(400);
    const unknown = await post('/api/email/modify', {
      token: user.token,
      body: { message_ids: [seeded.id], add_labels: ['Nope'] },
    });
    expect(unknown.status).toBe(400);
    expect(unknown.json.error.message).toContain('"Nope"');
    const readOnly = await newUser({ scopes: ['gmail.readonly'] });
    const denied = await post('/api/email/modify', {
      token: readOnly.token,
      body: { message_ids: [seeded.id], actions: ['star'] },
    });
    expect(denied.status).toBe(403);
    expect(denied.json.error.message).toContain('https://www.googleapis.com/auth/gmail.modify');
    expect(await labelsOf(user.token, seeded.id)).toEqual(['INBOX', 'UNREAD']);
  });
});

describe('POST /api/email/labels', () => {
  it("lists the system labels and the user's own", async () => {
    const user = await newUser();
    await gmailAs(user.token).users.labels.create({ userId: 'me', requestBody: { name: 'Travel' } });
    const answer = await post('/api/email/labels', { token: user.token });
    expect(answer.status).toBe(200);
    expect(answer.json.labels).toEqual(
      expect.arrayContaining([
        { id: 'INBOX', name: 'INBOX', type: 'system' },
        { id: expect.stringMatching(/^Label_/), name: 'Travel', type: 'user' },
      ]),
    );
    expect(answer.json.labels.at(-1).name).toBe('Travel');
  });
});
