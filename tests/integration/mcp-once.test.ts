import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterEach, describe, expect, it } from 'vitest';
import { emulator, newUser, post } from '../support/api.ts';
import { connectMcp, publishedMcpUrl, TestOAuthProvider } from '../support/mcp.ts';

const mcpUrl = await publishedMcpUrl();

/** A user signed in twice over MCP (two grants, so two Google refresh and access tokens), or once more. */
async function signIn(email: string): Promise<Client> {
  await emulator.setConsentUser(email);
  return connectMcp(new TestOAuthProvider(), mcpUrl);
}

interface SendAnswer {
  isError?: boolean;
  content: unknown;
  structuredContent?: { message: string; data: { message_id: string; repeat: boolean } };
}

const send = async (client: Client, mail: object) =>
  (await client.callTool({ name: 'send_email', arguments: { ...mail } })) as unknown as SendAnswer;

// On /mcp each grant (and each warm instance) holds its own Google token: the repeat key is the grant's user.
describe('sending once over MCP', () => {
  afterEach(async () => {
    await emulator.setLatency(0);
  });

  it('is once per person: two sign-ins of one user send one mail, one after the other and at the same moment', async () => {
    const user = await newUser();
    const [one, two] = [await signIn(user.email), await signIn(user.email)];
    const mail = { to: 'ana@example.com', subject: 'From two sign-ins', body: 'Once.' };

    const first = await send(one, mail);
    const second = await send(two, mail);
    expect(first.structuredContent?.data.repeat).toBe(false);
    expect(second.isError).toBeFalsy();
    expect(second.structuredContent?.data).toEqual({ ...first.structuredContent?.data, repeat: true });
    expect(second.structuredContent?.message).toMatch(/not sent again/);
    expect(await emulator.sent(user.email)).toHaveLength(1);

    const together = { ...mail, subject: 'At the same moment' };
    await emulator.setLatency(300);
    const answers = await Promise.all([send(one, together), send(two, together)]);
    await emulator.setLatency(0);
    expect(await emulator.sent(user.email)).toHaveLength(2);
    const sent = answers.filter((answer) => answer.structuredContent?.data.repeat === false);
    expect(sent).toHaveLength(1);
    const [other] = answers.filter((answer) => answer !== sent[0]);
    if (other?.isError) expect(JSON.stringify(other.content)).toMatch(/already being handled/);
    else expect(other?.structuredContent?.data).toEqual({ ...sent[0]?.structuredContent?.data, repeat: true });

    // A changed body is a new mail.
    expect((await send(two, { ...mail, body: 'Corrected.' })).structuredContent?.data.repeat).toBe(false);
    expect(await emulator.sent(user.email)).toHaveLength(3);
    // The same person over REST with a token of their own: still the same person.
    const rest = await post('/api/email/send', { token: user.token, body: mail });
    expect(rest.json.data).toEqual({ ...first.structuredContent?.data, repeat: true });
    expect(await emulator.sent(user.email)).toHaveLength(3);
    await Promise.all([one.close(), two.close()]);
  });

  it('keeps two users apart: the same mail from another user signed in over MCP is sent', async () => {
    const [user, stranger] = [await newUser(), await newUser()];
    const [mine, theirs] = [await signIn(user.email), await signIn(stranger.email)];
    const mail = { to: 'ana@example.com', subject: 'Same words', body: 'Same body.' };
    expect((await send(mine, mail)).structuredContent?.data.repeat).toBe(false);
    expect((await send(theirs, mail)).structuredContent?.data.repeat).toBe(false);
    expect(await emulator.sent(user.email)).toHaveLength(1);
    expect(await emulator.sent(stranger.email)).toHaveLength(1);
    await Promise.all([mine.close(), theirs.close()]);
  });
});
