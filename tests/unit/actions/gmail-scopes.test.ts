import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { delete_draft } from '#lib/actions/mail/delete_draft';
import { get_unread_emails } from '#lib/actions/mail/get_unread_emails';
import { gmailAction } from '#lib/actions/mail/gmail-action';
import { BrokerError } from '#lib/errors';
import { createGmailClient } from '#lib/gmail/client';
import { listUnread } from '#lib/gmail/unread';
import { SCOPES } from '#lib/google/scopes';
import { allTools, operations } from '#lib/operations';
import { ROOT } from '../../support/import-graph.ts';
import { type FakeGmail, googleError, startFakeGmail } from '../gmail/fake-gmail.ts';

/**
 * The scopes a Gmail operation needs are the registry's (`operation.scopes`), named once:
 * when Google refuses a token for a missing permission, the answer names those.
 */
describe('a mail action refused for a missing Google permission', () => {
  let fake: FakeGmail;
  beforeEach(async () => {
    fake = await startFakeGmail();
    fake.intercept = () =>
      googleError(403, 'Request had insufficient authentication scopes.', 'insufficientPermissions');
  });
  afterEach(async () => {
    await fake.close();
  });
  const request = (body: object) =>
    ({ body, credentials: { accessToken: 'ya29.token' }, config: fake.config }) as never;

  it("names the operation's scopes from the registry, in the message and details", async () => {
    expect(operations.get_unread_emails.scopes).toEqual([SCOPES.read]);
    await expect(get_unread_emails(request({}))).rejects.toMatchObject({
      kind: 'insufficient_scope',
      message: `The Google token lacks the permission this needs: grant the scope ${SCOPES.read} and sign in again.`,
      details: { scope: SCOPES.read },
    });
    expect(operations.delete_draft.scopes).toEqual([SCOPES.compose]);
    await expect(delete_draft(request({ draft_id: 'r-1' }))).rejects.toMatchObject({
      kind: 'insufficient_scope',
      details: { scope: SCOPES.compose },
    });
    expect(fake.requests.length).toBeGreaterThanOrEqual(2);
  });

  it('names every scope of an operation that needs several, space separated as RFC 6750 scope', async () => {
    // The Gmail work names no scope: the registry entry it runs for does.
    const replying = gmailAction(operations.reply_to_email, async () => ({
      message: 'never reached',
      data: await listUnread(createGmailClient({ accessToken: 'ya29.token' }, fake.config), {}),
    }));
    const refused = await replying(request({})).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(BrokerError);
    expect(refused).toMatchObject({
      kind: 'insufficient_scope',
      message: `The Google token lacks the permission this needs: grant the scopes ${SCOPES.send}, ${SCOPES.read} and sign in again.`,
      details: { scope: `${SCOPES.send} ${SCOPES.read}` },
    });
  });

  it('passes any other failure through as it was', async () => {
    fake.intercept = () => googleError(404, 'Requested entity was not found.', 'notFound');
    await expect(delete_draft(request({ draft_id: 'r-1' }))).rejects.toMatchObject({
      kind: 'not_found',
      message: 'No draft with draft_id r-1 found',
    });
  });
});

describe('every tool that calls Gmail', () => {
  const GMAIL = [SCOPES.read, SCOPES.send, SCOPES.compose, SCOPES.modify] as readonly string[];

  it('runs its action through gmailAction with its own registry entry', async () => {
    const gmailOperations = allTools.filter((operation) => operation.scopes.some((scope) => GMAIL.includes(scope)));
    expect(gmailOperations.length).toBeGreaterThan(10);
    for (const { name } of gmailOperations) {
      const source = await readFile(join(ROOT, 'lib/actions/mail', `${name}.ts`), 'utf8');
      expect(source, name).toMatch(new RegExp(`gmailAction\\(\\s*operations\\.${name},`));
    }
  });
});
