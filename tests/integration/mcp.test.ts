import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { describe, expect, inject, it } from 'vitest';
import WebSocket from 'ws';
import { SOCKET_CONNECT } from '#lib/agent-wire/protocol';
import { generateSigningKeyPair, signRequest } from '#lib/agent-wire/signing';
import { parseConfig } from '#lib/config';
import { mcpTool } from '#lib/mcp/catalog';
import { tokens } from '#lib/oauth/records';
import { fileKeyWrapper, type Sealed, unseal } from '#lib/oauth/sealing';
import { allTools } from '#lib/operations';
import { MAX_ATTACHMENT_BYTES } from '#lib/schemas/email';
import { keys, storeFor } from '#lib/store/table';
import { emulator, newUser, post } from '../support/api.ts';
import { connectMcp, connectModern, publishedMcpUrl, TestOAuthProvider, userWithMail } from '../support/mcp.ts';

const store = storeFor(parseConfig({ DYNAMODB_ENDPOINT: inject('dynamoEndpoint'), TABLE_NAME: inject('tableName') }));
const mcpUrl = await publishedMcpUrl();
const MODERN = '2026-07-28';

/** What a client sent: each request's URL, headers and JSON body (to see the revision it spoke). */
interface Sent {
  url: string;
  headers: Headers;
  body: { method?: string; params?: { protocolVersion?: string; _meta?: Record<string, unknown> } } | undefined;
}

/** A fetch that keeps what the client sends (to /mcp and to the authorization server) before sending it. */
function recordingFetch(sent: Sent[]): typeof fetch {
  return async (input, init) => {
    const request = new Request(input, init);
    const text = request.method === 'POST' ? await request.clone().text() : '';
    let body: Sent['body'];
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = undefined;
    }
    sent.push({ url: request.url, headers: request.headers, body });
    return fetch(request);
  };
}

/** The v1 SDK client (2025-11-25) as an MCP host connects, through a fetch that records what it sends. */
const connectV1 = (provider: TestOAuthProvider, sent: Sent[]) => connectMcp(provider, mcpUrl, recordingFetch(sent));

/** The v2 SDK client pinned to 2026-07-28, through a fetch that records what it sends. */
const connectV2 = (provider: TestOAuthProvider, sent: Sent[]) =>
  connectModern(provider, mcpUrl, { fetch: recordingFetch(sent) });

/** The MCP requests a client sent (not the OAuth ones). */
const mcpRequests = (sent: Sent[]) => sent.filter((request) => request.url === mcpUrl.toString() && request.body);

/** What the tests use of either SDK's client (their result types differ only in detail). */
interface AnyClient {
  listTools(): Promise<{
    tools: Array<{
      name: string;
      title?: string | undefined;
      annotations?: { readOnlyHint?: boolean | undefined; destructiveHint?: boolean | undefined } | undefined;
      inputSchema: object;
      outputSchema?: object | undefined;
    }>;
  }>;
  callTool(call: { name: string; arguments: Record<string, unknown> }): Promise<object>;
}

interface ToolResult {
  isError?: boolean;
  content: Array<{ type: string; text?: string }>;
  structuredContent?: Record<string, unknown>;
}

/** One tool call through either client. */
const call = async (client: AnyClient, name: string, args: Record<string, unknown>) =>
  (await client.callTool({ name, arguments: args })) as ToolResult;

/**
 * What every client must see once signed in: the registry's tools with their titles, a read
 * tool's and a consequential tool's answers as the operation's data (what REST answers,
 * without its envelope), and a refusal as an error with REST's message.
 */
async function useTools(client: AnyClient, user: Awaited<ReturnType<typeof newUser>>): Promise<void> {
  const { tools } = await client.listTools();
  const expected = allTools.map((tool) => mcpTool(tool));
  expect(tools.map((tool) => tool.name)).toEqual(expected.map((tool) => tool.name));
  for (const tool of expected) {
    const listed = tools.find((candidate) => candidate.name === tool.name);
    expect(listed?.title).toBe(tool.title);
    expect(listed?.annotations).toEqual(tool.annotations);
    expect(listed?.inputSchema).toEqual(tool.inputSchema);
    expect(listed?.outputSchema).toEqual(tool.outputSchema);
  }
  expect(tools.find((tool) => tool.name === 'send_email')?.title).toBe('Send email');
  expect(tools.find((tool) => tool.name === 'get_unread_emails')?.annotations?.readOnlyHint).toBe(true);
  expect(tools.find((tool) => tool.name === 'send_email')?.annotations?.destructiveHint).toBe(true);

  const unread = await call(client, 'get_unread_emails', { limit: 5 });
  const rest = await post('/api/email/unread', { token: user.token, body: { limit: 5 } });
  expect(unread.isError).toBeFalsy();
  const { success, ...listing } = rest.json;
  expect(success).toBe(true);
  expect(unread.structuredContent).toEqual(listing);
  expect((unread.structuredContent as { emails: Array<{ subject: string }> }).emails[0]?.subject).toBe('Lunch?');

  const sent = await call(client, 'send_email', {
    to: 'friend@example.com',
    subject: 'From MCP',
    body: 'Sent through the MCP endpoint.',
  });
  const restSent = await post('/api/email/send', {
    token: user.token,
    body: { to: 'friend@example.com', subject: 'From REST', body: 'Sent through the REST API.' },
  });
  expect(sent.isError).toBeFalsy();
  const data = sent.structuredContent as { message_id: string };
  expect(Object.keys(data).sort()).toEqual(Object.keys(restSent.json.data).sort());
  expect(sent.content).toContainEqual({ type: 'text', text: restSent.json.message });
  expect((await emulator.sent(user.email)).map((message) => message.id)).toContain(data.message_id);

  const refused = await call(client, 'send_email', { subject: 'No recipient' });
  const restRefused = await post('/api/email/send', { token: user.token, body: { subject: 'No recipient' } });
  expect(restRefused.status).toBe(400);
  expect(refused.isError).toBe(true);
  expect(refused.structuredContent).toBeUndefined();
  expect(refused.content[0]?.text).toBe(restRefused.json.error.message);
}

/** The flow went through discovery, registration, PKCE, our consent page and Google's. */
function expectSignedIn(provider: TestOAuthProvider, sent: Sent[]) {
  const authorization = provider.authorizations[0];
  expect(`${authorization?.origin}${authorization?.pathname}`).toBe(`${mcpUrl.origin}/oauth/authorize`);
  expect(authorization?.searchParams.get('code_challenge_method')).toBe('S256');
  expect(authorization?.searchParams.get('resource')).toBe(mcpUrl.toString());
  expect(provider.information?.client_id).toMatch(/^mcp-client-/);
  expect(provider.browser.visited.some((url) => url.startsWith(`${inject('emulatorUrl')}/o/oauth2/v2/auth`))).toBe(
    true,
  );
  expect(provider.saved?.refresh_token).toMatch(/^mcp-rt-/);
  const paths = sent.map((request) => new URL(request.url).pathname);
  expect(paths).toContain('/.well-known/oauth-protected-resource/mcp');
  expect(paths).toContain('/oauth/register');
  expect(paths).toContain('/oauth/token');
}

/**
 * Refresh as a client does it: its access token stops working (here: a token the broker
 * never issued), the 401 sends it to the token endpoint with its refresh token, and the
 * call goes through with the new pair; the refresh token rotated.
 */
async function expectRefresh(client: AnyClient, provider: TestOAuthProvider, sent: Sent[]) {
  const before = provider.saved;
  if (!before?.refresh_token) throw new Error('no refresh token to refresh with');
  provider.saved = { ...before, access_token: 'mcp-at-not-issued' };
  const from = sent.length;
  const again = await call(client, 'list_labels', {});
  expect(again.isError).toBeFalsy();
  expect(again.structuredContent).toHaveProperty('labels');
  const refreshes = sent.slice(from).filter((request) => new URL(request.url).pathname === '/oauth/token');
  expect(refreshes).toHaveLength(1);
  expect(provider.saved?.refresh_token).toMatch(/^mcp-rt-/);
  expect(provider.saved?.refresh_token).not.toBe(before.refresh_token);
  expect(provider.saved?.access_token).not.toBe('mcp-at-not-issued');
}

/** A fresh user with mail, signed in by `connect`'s client from a 401, with what the client sent. */
async function signInWith<C>(connect: (provider: TestOAuthProvider, sent: Sent[]) => Promise<C>, name: string) {
  const user = await userWithMail(name);
  const provider = new TestOAuthProvider();
  const sent: Sent[] = [];
  const client = await connect(provider, sent);
  expectSignedIn(provider, sent);
  return { user, provider, sent, client };
}

describe('MCP with the official SDK clients and their OAuth support', () => {
  it('v1 client at 2025-11-25: signs in from a 401, lists the registry tools, runs a read and a sending tool as REST does, refreshes', async () => {
    const { user, provider, sent, client } = await signInWith(connectV1, 'Mia Client');
    await useTools(client, user);
    await expectRefresh(client, provider, sent);

    // It spoke 2025-11-25: an initialize handshake, then that version on every request.
    const requests = mcpRequests(sent);
    expect(requests[0]?.body?.method).toBe('initialize');
    expect(requests[0]?.body?.params?.protocolVersion).toBe('2025-11-25');
    const afterHandshake = requests.filter((request) => request.body?.method !== 'initialize');
    expect(afterHandshake.map((request) => request.body?.method)).toContain('tools/call');
    for (const request of afterHandshake) expect(request.headers.get('mcp-protocol-version')).toBe('2025-11-25');
    expect(requests.some((request) => request.body?.params?._meta?.['io.modelcontextprotocol/protocolVersion'])).toBe(
      false,
    );

    // What the table holds: the sealed Google refresh token, not the token itself.
    const record = await tokens.getAccess(store, provider.saved?.access_token ?? '');
    const raw = await store.db.get({ TableName: store.table, Key: keys.grant(record?.grantId ?? '') });
    const sealed = raw.Item?.googleRefreshToken as Sealed;
    const key = Buffer.from((await readFile(inject('tokenKeyFile'), 'utf8')).trim(), 'base64');
    const googleRefreshToken = await unseal(fileKeyWrapper(key), sealed, record?.grantId ?? '');
    expect(googleRefreshToken).toMatch(/^1\/\/emu-/);
    expect(JSON.stringify(raw.Item)).not.toContain(googleRefreshToken);
    expect(JSON.stringify(raw.Item)).not.toContain(provider.saved?.access_token);
    await client.close();
  });

  it('v2 client pinned to 2026-07-28: the same sign-in, tools and answers, stateless with the per-request envelope, refreshes', async () => {
    const { user, provider, sent, client } = await signInWith(connectV2, 'Max Modern');
    // The broker's authorization response named its issuer, which the v2 client checked.
    expect(provider.callback?.searchParams.get('iss')).toBe(mcpUrl.origin);
    expect(client.getNegotiatedProtocolVersion()).toBe(MODERN);
    expect(client.getServerVersion()?.name).toBe('chatgpt-broker');
    // The same tools as the v1 client lists: both are held to the registry's.
    await useTools(client, user);
    await expectRefresh(client, provider, sent);

    // A send with the most attachments REST takes (its base64 is over the SDK's default 4 MiB body).
    const bytes = Buffer.alloc(MAX_ATTACHMENT_BYTES, 7);
    const large = await call(client, 'send_email', {
      to: 'friend@example.com',
      subject: 'Large',
      body: 'See attached.',
      attachments: [
        { filename: 'large.bin', content_type: 'application/octet-stream', data: bytes.toString('base64') },
      ],
    });
    expect(large.isError, JSON.stringify(large.content)).toBeFalsy();
    const sentLarge = (await emulator.sent(user.email)).find(
      (message) => message.id === (large.structuredContent as { message_id: string }).message_id,
    );
    expect(sentLarge).toBeDefined();

    // It spoke 2026-07-28: no initialize, server/discover first, and on every request the
    // envelope in _meta and the headers the revision requires.
    const requests = mcpRequests(sent);
    const methods = requests.map((request) => request.body?.method);
    expect(methods).not.toContain('initialize');
    expect(methods.filter((method) => method !== 'server/discover')).toContain('tools/call');
    expect(methods).toContain('server/discover');
    for (const request of requests) {
      expect(request.body?.params?._meta?.['io.modelcontextprotocol/protocolVersion']).toBe(MODERN);
      expect(request.body?.params?._meta).toHaveProperty(['io.modelcontextprotocol/clientCapabilities']);
      expect(request.headers.get('mcp-protocol-version')).toBe(MODERN);
      expect(request.headers.get('mcp-method')).toBe(request.body?.method);
      expect(request.headers.has('mcp-session-id')).toBe(false);
    }
    await client.close();
  });

  it('pairs, launches and reports status through MCP as through their own routes', async () => {
    const user = await newUser();
    await emulator.setConsentUser(user.email);
    const agentKeys = generateSigningKeyPair();
    const registered = await post('/api/agent/register', {
      body: { name: 'via-mcp', platform: 'linux', public_key: agentKeys.publicKey },
    });
    const client = await connectV1(new TestOAuthProvider(), []);
    const structured = async (name: string, args: Record<string, unknown>) => {
      const result = await client.callTool({ name, arguments: args });
      expect(result.isError, JSON.stringify(result.content)).toBeFalsy();
      // The operation's data itself, not the REST envelope around it.
      return result.structuredContent as Record<string, unknown>;
    };

    const paired = await structured('pair_computer', { code: registered.json.pairing_code });
    expect(paired).toMatchObject({ agent_id: registered.json.agent_id, name: 'via-mcp' });
    // A stand-in for the computer's agent: its job connection, which never answers.
    const headers = signRequest(
      { ...SOCKET_CONNECT, body: '', timestamp: Date.now(), agentId: registered.json.agent_id },
      agentKeys.privateKey,
    );
    const socket = new WebSocket(inject('socketUrl'), { headers: { ...headers } });
    await once(socket, 'open');
    const pushed = once(socket, 'message');
    const launch = await structured('launch_app', { app_name: 'firefox' });
    expect(launch).toMatchObject({ status: 'pending', agent_id: registered.json.agent_id });
    // MCP's launch was pushed to the computer like any other.
    const [message] = await pushed;
    expect(JSON.parse(String(message))).toMatchObject({ type: 'job', job: { job_id: launch.job_id } });
    socket.close();
    const status = await structured('get_launch_status', { job_id: launch.job_id });
    expect(status).toMatchObject({ job_id: launch.job_id, status: 'pending' });
    // A repeated confirmation by the same account (a retry) answers the same pairing.
    const again = await structured('pair_computer', { code: registered.json.pairing_code });
    expect(again).toMatchObject({ agent_id: registered.json.agent_id });
    await client.close();
  });
});
