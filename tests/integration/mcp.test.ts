import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, inject, it } from 'vitest';
import WebSocket from 'ws';
import { SOCKET_CONNECT } from '#lib/agent-protocol';
import { parseConfig } from '#lib/config';
import { generateSigningKeyPair, signRequest } from '#lib/jobs/signing';
import { storeFor } from '#lib/jobs/table';
import { mcpTool } from '#lib/mcp/catalog';
import { oauthKeys, tokens } from '#lib/oauth/records';
import { fileKeyWrapper, type Sealed, unseal } from '#lib/oauth/sealing';
import { allTools } from '#lib/operations';
import { emulator, newUser, post, rfc822 } from '../support/api.ts';
import { connectMcp, publishedMcpUrl, TestOAuthProvider } from '../support/mcp.ts';

const store = storeFor(parseConfig({ DYNAMODB_ENDPOINT: inject('dynamoEndpoint'), TABLE_NAME: inject('tableName') }));
const mcpUrl = await publishedMcpUrl();
const connect = (provider: TestOAuthProvider) => connectMcp(provider, mcpUrl);

describe('MCP with the official SDK client and its OAuth support', () => {
  it('signs in from a 401 through registration, consent and Google, lists the registry tools and runs them as REST does', async () => {
    const user = await newUser({ name: 'Mia Client' });
    await emulator.setConsentUser(user.email);
    await emulator.seedMessage({
      email: user.email,
      raw: rfc822([
        'From: Bob <bob@example.com>',
        `To: ${user.email}`,
        'Subject: Lunch?',
        '',
        'Noon at the usual place?',
      ]),
    });
    const provider = new TestOAuthProvider();

    const client = await connect(provider);

    // The flow went through discovery, registration, PKCE, our consent page and Google's.
    const authorization = provider.authorizations[0];
    expect(`${authorization?.origin}${authorization?.pathname}`).toBe(`${mcpUrl.origin}/oauth/authorize`);
    expect(authorization?.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorization?.searchParams.get('resource')).toBe(mcpUrl.toString());
    expect(provider.information?.client_id).toMatch(/^mcp-client-/);
    expect(provider.browser.visited.some((url) => url.startsWith(`${inject('emulatorUrl')}/o/oauth2/v2/auth`))).toBe(
      true,
    );
    expect(provider.saved?.refresh_token).toMatch(/^mcp-rt-/);

    const { tools } = await client.listTools();
    const expected = allTools.map(mcpTool);
    expect(tools.map((tool) => tool.name)).toEqual(expected.map((tool) => tool.name));
    for (const tool of expected) {
      const listed = tools.find((candidate) => candidate.name === tool.name);
      expect(listed?.annotations).toEqual(tool.annotations);
      expect(listed?.inputSchema).toEqual(tool.inputSchema);
      expect(listed?.outputSchema).toEqual(tool.outputSchema);
    }
    expect(tools.find((tool) => tool.name === 'get_unread_emails')?.annotations?.readOnlyHint).toBe(true);
    expect(tools.find((tool) => tool.name === 'send_email')?.annotations?.destructiveHint).toBe(true);

    const unread = await client.callTool({ name: 'get_unread_emails', arguments: { limit: 5 } });
    const rest = await post('/api/email/unread', { token: user.token, body: { limit: 5 } });
    expect(unread.isError).toBeFalsy();
    expect(unread.structuredContent).toEqual(rest.json);
    expect((unread.structuredContent as { emails: Array<{ subject: string }> }).emails[0]?.subject).toBe('Lunch?');

    const sent = await client.callTool({
      name: 'send_email',
      arguments: { to: 'friend@example.com', subject: 'From MCP', body: 'Sent through the MCP endpoint.' },
    });
    const restSent = await post('/api/email/send', {
      token: user.token,
      body: { to: 'friend@example.com', subject: 'From REST', body: 'Sent through the REST API.' },
    });
    const structured = sent.structuredContent as { success: boolean; message: string; data: { message_id: string } };
    expect(sent.isError).toBeFalsy();
    expect(structured.message).toBe(restSent.json.message);
    expect(Object.keys(structured.data).sort()).toEqual(Object.keys(restSent.json.data).sort());
    const mailbox = await emulator.sent(user.email);
    expect(mailbox.map((message) => message.id)).toContain(structured.data.message_id);

    // What the table holds: the sealed Google refresh token, not the token itself.
    const record = await tokens.getAccess(store, provider.saved?.access_token ?? '');
    const raw = await store.db.send(
      new GetCommand({ TableName: store.table, Key: oauthKeys.grant(record?.grantId ?? '') }),
    );
    const sealed = raw.Item?.googleRefreshToken as Sealed;
    const key = Buffer.from((await readFile(inject('tokenKeyFile'), 'utf8')).trim(), 'base64');
    const googleRefreshToken = await unseal(fileKeyWrapper(key), sealed, record?.grantId ?? '');
    expect(googleRefreshToken).toMatch(/^1\/\/emu-/);
    expect(JSON.stringify(raw.Item)).not.toContain(googleRefreshToken);
    expect(JSON.stringify(raw.Item)).not.toContain(provider.saved?.access_token);
    await client.close();
  });

  it('pairs, launches and reports status through MCP as through their own routes', async () => {
    const user = await newUser();
    await emulator.setConsentUser(user.email);
    const agentKeys = generateSigningKeyPair();
    const registered = await post('/api/agent/register', {
      body: { name: 'via-mcp', platform: 'linux', public_key: agentKeys.publicKey },
    });
    const client = await connect(new TestOAuthProvider());
    const structured = async (name: string, args: Record<string, unknown>) => {
      const result = await client.callTool({ name, arguments: args });
      expect(result.isError, JSON.stringify(result.content)).toBeFalsy();
      return result.structuredContent as { data: Record<string, unknown> };
    };

    const paired = await structured('pair_computer', { code: registered.json.pairing_code });
    expect(paired.data).toMatchObject({ agent_id: registered.json.agent_id, name: 'via-mcp' });
    // A stand-in for the computer's agent: its job connection, which never answers.
    const headers = signRequest(
      { ...SOCKET_CONNECT, body: '', timestamp: Date.now(), agentId: registered.json.agent_id },
      agentKeys.privateKey,
    );
    const socket = new WebSocket(inject('socketUrl'), { headers: { ...headers } });
    await once(socket, 'open');
    const pushed = once(socket, 'message');
    const launch = await structured('launch_app', { app_name: 'firefox' });
    expect(launch.data).toMatchObject({ status: 'pending', agent_id: registered.json.agent_id });
    // MCP's launch was pushed to the computer like any other.
    const [message] = await pushed;
    expect(JSON.parse(String(message))).toMatchObject({ type: 'job', job: { job_id: launch.data.job_id } });
    socket.close();
    const status = await structured('get_launch_status', { job_id: launch.data.job_id });
    expect(status.data).toMatchObject({ job_id: launch.data.job_id, status: 'pending' });
    // A repeated confirmation by the same account (a retry) answers the same pairing.
    const again = await structured('pair_computer', { code: registered.json.pairing_code });
    expect(again.data).toMatchObject({ agent_id: registered.json.agent_id });
    await client.close();
  });
});
