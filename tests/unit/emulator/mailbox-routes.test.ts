import { describe, expect, it } from 'vitest';
import { MAX_BATCH_MODIFY_IDS } from '../../../emulator/gmail-routes.ts';
import { failureOf, gmailFor, plainMail, toRaw, useEmulator } from './support.ts';

/** Labels, thread modify and drafts through the official @googleapis/gmail client. */

const EMAIL = 'triage@example.com';
let token: string;
const google = useEmulator(async (control) => {
  ({ token } = await control.createUser({ email: EMAIL }));
});

const client = (accessToken = token) => gmailFor(google.url, { access_token: accessToken });
const seed = (source: string, labelIds?: string[]) =>
  google.control.seedMessage({ email: EMAIL, raw: source, ...(labelIds ? { labelIds } : {}) });

describe('labels', () => {
  it('lists system labels and creates user labels that search finds by name', async () => {
    const gmail = client();
    const { data: created } = await gmail.users.labels.create({ userId: 'me', requestBody: { name: 'Clients/Acme' } });
    expect(created).toMatchObject({ name: 'Clients/Acme', type: 'user' });
    const { data } = await gmail.users.labels.list({ userId: 'me' });
    expect(data.labels?.map((label) => label.id)).toEqual(expect.arrayContaining(['INBOX', 'STARRED', created.id]));

    const tagged = await seed(plainMail({ from: 'a@example.com', to: EMAIL, subject: 'Tagged' }));
    await seed(plainMail({ from: 'a@example.com', to: EMAIL, subject: 'Untagged' }));
    await gmail.users.messages.modify({
      userId: 'me',
      id: tagged.id,
      requestBody: { addLabelIds: [created.id ?? ''] },
    });
    const found = await gmail.users.messages.list({ userId: 'me', q: 'label:clients-acme' });
    expect(found.data.messages?.map((message) => message.id)).toEqual([tagged.id]);
    const conflict = await failureOf(
      gmail.users.labels.create({ userId: 'me', requestBody: { name: 'clients/acme' } }),
    );
    expect(conflict.status).toBe(409);
  });
});

describe('batchModify and threads.modify', () => {
  it('refuses more ids than Gmail takes and labels that do not exist', async () => {
    const gmail = client();
    const ids = Array.from({ length: MAX_BATCH_MODIFY_IDS + 1 }, (_, i) => `${i}`.padStart(16, '0'));
    const tooMany = await failureOf(
      gmail.users.messages.batchModify({ userId: 'me', requestBody: { ids, removeLabelIds: ['UNREAD'] } }),
    );
    expect(tooMany.status).toBe(400);
    const invalid = await failureOf(
      gmail.users.messages.batchModify({ userId: 'me', requestBody: { ids: ['a'], addLabelIds: ['Label_99'] } }),
    );
    expect(invalid.status).toBe(400);
  });

  it('changes every message of a thread', async () => {
    const first = await seed(plainMail({ from: 'a@example.com', to: EMAIL, subject: 'T', messageId: '<t1@x>' }));
    await seed(
      plainMail({
        from: 'b@example.com',
        to: EMAIL,
        subject: 'Re: T',
        messageId: '<t2@x>',
        extraHeaders: ['References: <t1@x>'],
      }),
    );
    const gmail = client();
    await gmail.users.threads.modify({
      userId: 'me',
      id: first.threadId,
      requestBody: { removeLabelIds: ['UNREAD', 'INBOX'] },
    });
    const { data } = await gmail.users.threads.get({ userId: 'me', id: first.threadId, format: 'minimal' });
    expect(data.messages).toHaveLength(2);
    for (const message of data.messages ?? []) expect(message.labelIds).toEqual([]);
  });
});

describe('drafts', () => {
  it('creates, lists, gets, sends and deletes drafts, threading a reply draft as Gmail does', async () => {
    const original = await seed(
      plainMail({ from: 'boss@example.com', to: EMAIL, subject: 'Plan', messageId: '<p@x>' }),
    );
    const gmail = client();
    const reply = plainMail({
      from: EMAIL,
      to: 'boss@example.com',
      subject: 'Re: Plan',
      extraHeaders: ['In-Reply-To: <p@x>', 'References: <p@x>'],
    });
    const { data: threaded } = await gmail.users.drafts.create({
      userId: 'me',
      requestBody: { message: { raw: toRaw(reply), threadId: original.threadId } },
    });
    expect(threaded.message?.threadId).toBe(original.threadId);
    // Without References naming the thread, Gmail starts a new conversation despite threadId.
    const loose = plainMail({ from: EMAIL, to: 'boss@example.com', subject: 'Re: Plan' });
    const { data: separate } = await gmail.users.drafts.create({
      userId: 'me',
      requestBody: { message: { raw: toRaw(loose), threadId: original.threadId } },
    });
    expect(separate.message?.threadId).not.toBe(original.threadId);

    const { data: list } = await gmail.users.drafts.list({ userId: 'me' });
    expect(list.drafts?.map((draft) => draft.id).sort()).toEqual([threaded.id, separate.id].sort());
    const { data: got } = await gmail.users.drafts.get({ userId: 'me', id: threaded.id ?? '', format: 'metadata' });
    expect(got.message?.labelIds).toEqual(['DRAFT']);

    const { data: sent } = await gmail.users.drafts.send({ userId: 'me', requestBody: { id: threaded.id ?? '' } });
    expect(sent.threadId).toBe(original.threadId);
    expect(sent.labelIds).toEqual(['SENT']);
    await gmail.users.drafts.delete({ userId: 'me', id: separate.id ?? '' });
    const after = await gmail.users.drafts.list({ userId: 'me' });
    expect(after.data.drafts).toBeUndefined();
    expect((await failureOf(gmail.users.drafts.get({ userId: 'me', id: separate.id ?? '' }))).status).toBe(404);
  });

  it('needs a compose scope: gmail.send alone cannot draft', async () => {
    const { token: sendOnly } = await google.control.createUser({
      email: 'sender@example.com',
      scopes: ['gmail.send'],
    });
    const raw = toRaw(plainMail({ from: 'sender@example.com', to: 'x@example.com', subject: 'x' }));
    const failure = await failureOf(
      client(sendOnly).users.drafts.create({ userId: 'me', requestBody: { message: { raw } } }),
    );
    expect(failure.status).toBe(403);
  });
});
