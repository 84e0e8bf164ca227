import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MAX_RECIPIENTS } from '#lib/schemas/common';
import { MAX_LISTED_ADDRESSES } from '#lib/schemas/email';
import { emulator, newUser, post } from '../support/api.ts';
import { expectReplyInThread, receiveOriginal, THIRD_IN_THREAD } from '../support/mailbox.ts';

describe('drafts: create, list, send, delete', () => {
  it('a reply draft, once sent, lands in the thread with In-Reply-To, the full References and one "Re: "', async () => {
    const user = await newUser();
    const original = await receiveOriginal(user, { ...THIRD_IN_THREAD, to: `${user.email}, carol@example.com` });
    const created = await post('/api/email/drafts/create', {
      token: user.token,
      body: { message_id: original.id, body: 'Attached by Friday.', reply_all: true },
    });
    expect(created.status, created.text).toBe(200);
    expect(created.json.data).toMatchObject({
      thread_id: original.threadId,
      subject: 'Re: Q4 report',
      to: ['Bob Boss <boss@example.com>', 'carol@example.com'],
    });
    expect(await emulator.sent(user.email)).toEqual([]);

    const listed = await post('/api/email/drafts/list', { token: user.token, body: {} });
    expect(listed.json.drafts).toEqual([
      expect.objectContaining({ draft_id: created.json.data.draft_id, subject: 'Re: Q4 report' }),
    ]);

    const sent = await post('/api/email/drafts/send', {
      token: user.token,
      body: { draft_id: created.json.data.draft_id },
    });
    expect(sent.status, sent.text).toBe(200);
    expect(sent.json.data).toMatchObject({ thread_id: original.threadId, repeat: false });
    const parsed = await expectReplyInThread(user, original);
    expect(parsed.text?.trim()).toBe('Attached by Friday.');

    // The same call again answers the first result and sends nothing; the draft is gone.
    const again = await post('/api/email/drafts/send', {
      token: user.token,
      body: { draft_id: created.json.data.draft_id },
    });
    expect(again.json.data).toEqual({ ...sent.json.data, repeat: true });
    expect(await emulator.sent(user.email)).toHaveLength(1);
    expect((await post('/api/email/drafts/list', { token: user.token, body: {} })).json.count).toBe(0);
  });

  it('drafts a new mail from the fields of send, and deletes it', async () => {
    const user = await newUser();
    const created = await post('/api/email/drafts/create', {
      token: user.token,
      body: { to: 'Ana <ana@example.com>', subject: 'Draft me', body: 'Not yet.' },
    });
    expect(created.status, created.text).toBe(200);
    const deleted = await post('/api/email/drafts/delete', {
      token: user.token,
      body: { draft_id: created.json.data.draft_id },
    });
    expect(deleted.status).toBe(200);
    expect((await post('/api/email/drafts/list', { token: user.token, body: {} })).json.count).toBe(0);
    const gone = await post('/api/email/drafts/delete', {
      token: user.token,
      body: { draft_id: created.json.data.draft_id },
    });
    expect(gone.status).toBe(404);
    expect(gone.json.error.message).toContain(created.json.data.draft_id);
    expect(await emulator.sent(user.email)).toEqual([]);
  });

  it('lists a draft to the most recipients a mail may have with its Cc capped as every answer caps it', async () => {
    const user = await newUser();
    const cc = Array.from({ length: MAX_RECIPIENTS - 1 }, (_, i) => `cc${i}@example.org`);
    const created = await post('/api/email/drafts/create', {
      token: user.token,
      body: { to: 'ana@example.com', cc, subject: 'All hands', body: 'Agenda to follow.' },
    });
    expect(created.status, created.text).toBe(200);

    const listed = await post('/api/email/drafts/list', { token: user.token, body: {} });

    expect(listed.json.drafts).toEqual([
      expect.objectContaining({
        to: ['ana@example.com'],
        cc: [...cc.slice(0, MAX_LISTED_ADDRESSES), `(and ${cc.length - MAX_LISTED_ADDRESSES} more)`],
      }),
    ]);
  });

  it('drafts a large mail through the upload endpoint, its file intact', async () => {
    const user = await newUser();
    const file = randomBytes(1_200_000);
    await emulator.clearRequests();
    const created = await post('/api/email/drafts/create', {
      token: user.token,
      body: {
        to: user.email,
        subject: 'Big',
        body: 'The data.',
        attachments: [
          { filename: 'data.bin', content_type: 'application/octet-stream', data: file.toString('base64') },
        ],
      },
    });
    expect(created.status, created.text).toBe(200);
    const paths = (await emulator.requests()).map((request) => `${request.method} ${request.path}`);
    expect(paths).toContain('POST /upload/gmail/v1/users/me/drafts');
    const read = await post('/api/email/read', {
      token: user.token,
      body: { message_id: created.json.data.message_id },
    });
    const [attachment] = read.json.messages[0].attachments;
    const got = await post('/api/email/attachment', {
      token: user.token,
      body: { message_id: created.json.data.message_id, attachment_id: attachment.attachment_id, format: 'base64' },
    });
    expect(Buffer.from(got.json.data, 'base64').equals(file)).toBe(true);
  });

  it('refuses a draft without recipients, a reply draft with its own subject, an unknown draft and a send-only token', async () => {
    const user = await newUser();
    expect((await post('/api/email/drafts/create', { token: user.token, body: { body: 'x' } })).status).toBe(400);
    const mixed = await post('/api/email/drafts/create', {
      token: user.token,
      body: { message_id: 'ffffffffffffffff', subject: 'Mine', body: 'x' },
    });
    expect(mixed.status).toBe(400);
    const unknown = await post('/api/email/drafts/send', { token: user.token, body: { draft_id: 'r-404' } });
    expect(unknown.status).toBe(404);
    const sendOnly = await newUser({ scopes: ['gmail.send'] });
    const denied = await post('/api/email/drafts/create', {
      token: sendOnly.token,
      body: { to: 'ana@example.com', subject: 'x', body: 'x' },
    });
    expect(denied.status).toBe(403);
    expect(denied.json.error.message).toContain('https://www.googleapis.com/auth/gmail.compose');
    expect(await emulator.sent(user.email)).toEqual([]);
  });
});
