import { describe, expect, it } from 'vitest';
import { MAX_PART_DEPTH } from '#lib/gmail/part-tree';
import { bodyCapFor, listUnread } from '#lib/gmail/unread';
import { MAX_LISTED_ADDRESSES, MESSAGE_BODY_BYTES } from '#lib/schemas/email';
import { INLINE_BODY_BYTES } from '../../../emulator/gmail-format.ts';
import {
  deeplyNestedMail,
  htmlMail,
  mail,
  mailWithAttachment,
  plainMail,
  repeatTo,
} from '../../support/hostile-mail.ts';
import { googleError, store, useFakeGmail } from './fake-gmail.ts';

const mailbox = useFakeGmail();

const seed = (id: string, source: string) =>
  store(mailbox.fake, { id, raw: Buffer.from(source), snippet: `snippet of ${id}` });
const attachmentGets = () => mailbox.fake.requests.filter((request) => request.path.includes('/attachments/'));

describe('listUnread with hostile mail', () => {
  it('answers a message Gmail fails to deliver with its id and body_error, and the others in full', async () => {
    seed('good', plainMail('Good', 200));
    seed('broken', plainMail('Broken', 200));
    mailbox.fake.intercept = (request) =>
      request.path.endsWith('/messages/broken') ? googleError(500, 'Backend Error', 'backendError') : undefined;

    const page = await listUnread(mailbox.gmail, {});

    const [good, broken] = page.emails;
    expect(good).toMatchObject({ message_id: 'good', subject: 'Good', body_error: null });
    expect(good?.body).toContain('A plain sentence to read.');
    expect(broken).toMatchObject({ message_id: 'broken', thread_id: 't-broken', body: '' });
    expect(broken?.body_error).toMatch(/not read: Gmail failed/);
  });

  it("still fails the page for the caller's own rejected token", async () => {
    seed('a', plainMail('A', 100));
    mailbox.fake.intercept = (request) =>
      request.path.endsWith('/messages/a') ? googleError(401, 'Invalid Credentials', 'authError') : undefined;
    await expect(listUnread(mailbox.gmail, {})).rejects.toMatchObject({ kind: 'invalid_token' });
  });

  it('gives headers and snippet but no body for a message nested deeper than the walker reads', async () => {
    seed('deep', deeplyNestedMail('Deep', 300));
    seed('shallow', deeplyNestedMail('Shallow', 3, 'near the top'));

    const page = await listUnread(mailbox.gmail, {});

    const [deep, shallow] = page.emails;
    expect(deep).toMatchObject({ subject: 'Deep', from_email: 'stranger@example.net', snippet: 'snippet of deep' });
    expect(deep?.body_error).toContain(`more than ${MAX_PART_DEPTH} levels`);
    expect(shallow).toMatchObject({ body: 'near the top', body_error: null });
  });

  it('fetches a large text part by attachment id and never an attachment', async () => {
    const html = `<p>${repeatTo('Large but honest text. ', INLINE_BODY_BYTES + 10_000)}</p>`;
    seed('large', htmlMail('Large', html));
    seed('attached', mailWithAttachment('Attached', 'See the file.', 600_000));

    const page = await listUnread(mailbox.gmail, {});

    expect(page.emails[0]?.body.startsWith('Large but honest text.')).toBe(true);
    expect(page.emails[0]?.body_truncated).toBe(true);
    expect(page.emails[1]).toMatchObject({ body: 'See the file.', body_error: null });
    expect(attachmentGets().map((request) => request.path)).toEqual([
      expect.stringContaining('/messages/large/attachments/'),
    ]);
  });

  it('does not read a text body over the per-message budget, and says so', async () => {
    seed('huge', plainMail('Huge', MESSAGE_BODY_BYTES + 1_000));
    const page = await listUnread(mailbox.gmail, {});
    expect(page.emails[0]).toMatchObject({ subject: 'Huge', body: '' });
    expect(page.emails[0]?.body_error).toContain(`more than the ${MESSAGE_BODY_BYTES} read per message`);
    expect(attachmentGets()).toHaveLength(0);
  });

  it('converts a 1 MB crafted HTML body within the cap', async () => {
    seed('crafted', htmlMail('Crafted', `<p>Hello</p>${repeatTo('<!--', 1_000_000)}`));
    const page = await listUnread(mailbox.gmail, { limit: 1 });
    expect(page.emails[0]).toMatchObject({ body: 'Hello', body_error: null });
    expect(page.emails[0]?.body.length).toBeLessThanOrEqual(bodyCapFor(1));
  });

  it('lists at most a bounded number of a huge Cc and cuts a huge subject', async () => {
    const cc = Array.from({ length: 3_000 }, (_, i) => `cc${i}@example.org`).join(', ');
    seed(
      'crowd',
      mail([`From: a@example.net`, 'To: reader@example.com', `Cc: ${cc}`, `Subject: ${'S'.repeat(5_000)}`], 'Hi'),
    );
    const page = await listUnread(mailbox.gmail, {});
    const email = page.emails[0];
    expect(email?.cc).toHaveLength(MAX_LISTED_ADDRESSES + 1);
    expect(email?.cc.at(-1)).toBe(`(and ${3_000 - MAX_LISTED_ADDRESSES} more)`);
    expect(email?.subject.length).toBe(998);
  });
});
