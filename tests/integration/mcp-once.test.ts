import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { CreatedUser } from '../../emulator/control-client.ts';
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
  let user: CreatedUser;
  let one: Client;
  let two: Client;
  // Signing in wakes several functions: done once here, within the hook's longer timeout.
  beforeAll(async () => {
    user = await newUser();
    one = await signIn(user.email);
    two = await signIn(user.email);
  });
  afterAll(async () => {
    await Promise.all([one.close(), two.close()]);
  });
  afterEach(async () => {
    await emulator.setLatency(0);
  });

  it('is once per person: a second sign-in of the same user sending the same mail sends nothing', async () => {
    const mail = { to: 'ana@example.com', subject: 'From two sign-ins', body: 'Once.' };
    const before = (await emulator.sent(user.email)).length;
    const first = await send(one, mail);
    const second = await send(two, mail);
    expect(first.structuredContent?.data.repeat).toBe(false);
    expect(second.isError).toBeFalsy();
    expect(second.structuredContent?.data).toEqual({ ...first.structuredContent?.data, repeat: true });
    expect(second.structuredContent?.message).toMatch(/not sent again/);
    expect(await emulator.sent(user.email)).toHaveLength(before + 1);

    // A changed body is a new mail.
    expect((await send(two, { ...mail, body: 'Corrected.' })).structuredContent?.data.repeat).toBe(false);
    expect(await emulator.sent(user.email)).toHaveLength(before + 2);
    // The same person over REST with a token of their own: still the same person.
    const rest = await post('/api/email/send', { token: user.token, body: mail });
    expect(rest.json.data).toEqual({ ...first.structuredContent?.data, repeat: true });
    expect(await emulator.sent(user.email)).toHaveLength(before + 2);
  });

  it('is once per person when both sign-ins send the same mail at the same moment', async () => {
    const mail = { to: 'ana@example.com', subject: 'At the same moment', body: 'Once.' };
    const before = (await emulator.sent(user.email)).length;
    await emulator.setLatency(300);
    const answers = await Promise.all([send(one, mail), send(two, mail)]);
    await emulator.setLatency(0);
    expect(await emulator.sent(user.email)).toHaveLength(before + 1);
    const sent = answers.filter((answer) => answer.structuredContent?.data.repeat === false);
    expect(sent).toHaveLength(1);
    // The other one says it is a repeat: either of a finished send or of one still under way.
    const [other] = answers.filter((answer) => answer !== sent[0]);
    if (other?.isError) expect(JSON.stringify(other.content)).toMatch(/already being handled/);
    else expect(other?.structuredContent?.data).toEqual({ ...sent[0]?.structuredContent?.data, repeat: true });
  });

  it('keeps two users apart: the same mail from another user signed in over MCP is sent', async () => {
    const stranger = await newUser();
    const theirs = await signIn(stranger.email);
    const mail = { to: 'ana@example.com', subject: 'Same words', body: 'Same body.' };
    expect((await send(one, mail)).structuredContent?.data.repeat).toBe(false);
    expect((await send(theirs, mail)).structuredContent?.data.repeat).toBe(false);
    expect(await emulator.sent(stranger.email)).toHaveLength(1);
    await theirs.close();
  });
});
