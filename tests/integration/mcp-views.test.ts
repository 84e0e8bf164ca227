import type { Client, ClientCapabilities } from '@modelcontextprotocol/client';
import { EXTENSION_ID, RESOURCE_MIME_TYPE } from '@modelcontextprotocol/ext-apps/server';
import type { FrameLocator } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { generateSigningKeyPair } from '#lib/agent-wire/signing';
import { VIEWS } from '#lib/views/catalog';
import { type HostCallTool, renderView, viewFrame } from '../../local/view-host.ts';
import { emulator, post } from '../support/api.ts';
import { horizontalOverflow, seriousViolations, useBrowser } from '../support/browser.ts';
import {
  connectMcp,
  connectModern,
  publishedMcpUrl,
  seedMail,
  TestOAuthProvider,
  userWithMail,
} from '../support/mcp.ts';

const mcpUrl = await publishedMcpUrl();
const RENDERS_VIEWS: ClientCapabilities = { extensions: { [EXTENSION_ID]: { mimeTypes: [RESOURCE_MIME_TYPE] } } };

/** A new user with one unread mail, signed in by a v2 client at 2026-07-28 declaring `capabilities`. */
async function signIn(name: string, capabilities: ClientCapabilities) {
  const user = await userWithMail(name);
  return { user, client: await connectModern(new TestOAuthProvider(), mcpUrl, { capabilities }) };
}

const viewUri = (tool: { _meta?: Record<string, unknown> | undefined }) =>
  (tool._meta?.ui as { resourceUri?: string } | undefined)?.resourceUri;

describe('MCP Apps views', () => {
  it('are offered only to a client that declares the extension: tool _meta, resources/list and resources/read', async () => {
    const { client } = await signIn('Vera Views', RENDERS_VIEWS);
    const { tools } = await client.listTools();
    const linked = Object.fromEntries(tools.filter(viewUri).map((tool) => [tool.name, viewUri(tool)]));
    expect(linked).toEqual({
      get_unread_emails: VIEWS.inbox.uri,
      search_emails: VIEWS.inbox.uri,
      read_email: VIEWS.conversation.uri,
      create_draft: VIEWS.draft_review.uri,
      list_computers: VIEWS.computers.uri,
    });
    const { resources } = await client.listResources();
    expect(resources.map((resource) => resource.uri).sort()).toEqual(
      Object.values(VIEWS)
        .map((view) => view.uri)
        .sort(),
    );
    for (const resource of resources) expect(resource.mimeType).toBe(RESOURCE_MIME_TYPE);
    const read = await client.readResource({ uri: VIEWS.inbox.uri });
    const [content] = read.contents;
    expect(content).toMatchObject({ uri: VIEWS.inbox.uri, mimeType: RESOURCE_MIME_TYPE });
    // No network of its own: the page's own policy, and empty allow-lists for the host's.
    expect(content && 'text' in content ? content.text : '').toContain("connect-src 'none'");
    expect(content?._meta).toEqual({ ui: { csp: { connectDomains: [], resourceDomains: [] }, prefersBorder: true } });
    await expect(client.readResource({ uri: 'ui://chatgpt-broker/other.html' })).rejects.toThrow();

    const { client: plain } = await signIn('Tex Text', {});
    expect((await plain.listTools()).tools.filter(viewUri)).toEqual([]);
    expect((await plain.listResources()).resources).toEqual([]);
    await expect(plain.readResource({ uri: VIEWS.inbox.uri })).rejects.toThrow();
    // The text answer is the same either way.
    const answer = await plain.callTool({ name: 'get_unread_emails', arguments: {} });
    expect(JSON.stringify(answer.content)).toContain('Lunch?');
  });

  it('are offered to a 2025-11-25 client, whose initialize a stateless server cannot keep, beside the text answers', async () => {
    await userWithMail('Olga Older');
    const client = await connectMcp(new TestOAuthProvider(), mcpUrl);
    const { tools } = await client.listTools();
    expect(tools.find((tool) => tool.name === 'get_unread_emails')?._meta).toMatchObject({
      ui: { resourceUri: VIEWS.inbox.uri },
    });
    const read = await client.readResource({ uri: VIEWS.inbox.uri });
    expect(read.contents[0]).toMatchObject({ uri: VIEWS.inbox.uri, mimeType: RESOURCE_MIME_TYPE });
    // A host without MCP Apps ignores the link: the answer still carries the mail as text.
    const answer = await client.callTool({ name: 'get_unread_emails', arguments: {} });
    expect(JSON.stringify(answer.content)).toContain('Lunch?');
  });
});

describe('MCP Apps views in a host (ext-apps AppBridge, sandboxed iframe, Chromium)', () => {
  const chromium = useBrowser();

  /**
   * Calls `tool` with `toolInput` as a model would, then renders its view in a host page as
   * the host would, the view's tool calls going through `client` (and counted by name in
   * `calls`); runs `check` on the view's frame, then closes the page.
   */
  async function inView(
    client: Client,
    call: { tool: string; toolInput: Record<string, unknown>; uri: string },
    check: (view: FrameLocator, calls: string[]) => Promise<void>,
  ): Promise<void> {
    const toolResult = await client.callTool({ name: call.tool, arguments: call.toolInput });
    const [content] = (await client.readResource({ uri: call.uri })).contents;
    if (!content || !('text' in content)) throw new Error(`no HTML for ${call.uri}`);
    const page = await chromium.browser.newPage();
    const calls: string[] = [];
    const callTool: HostCallTool = async (params) => {
      calls.push(params.name);
      return client.callTool({ name: params.name, arguments: params.arguments ?? {} });
    };
    try {
      const view = await renderView(page, content.text, { toolInput: call.toolInput, toolResult }, callTool);
      // Each view, once shown, at phone width: no serious accessibility violation, no sideways scroll.
      await expect.poll(() => view.locator('#status').textContent()).not.toBe('');
      await page.setViewportSize({ width: 390, height: 800 });
      expect(await seriousViolations(viewFrame(page))).toEqual([]);
      expect(await horizontalOverflow(viewFrame(page))).toBe(0);
      await check(view, calls);
    } finally {
      await page.close();
    }
  }

  /** Bob's "Lunch?" is out of the inbox. */
  async function expectArchived(client: Client): Promise<void> {
    const inbox = await client.callTool({ name: 'search_emails', arguments: { query: 'in:inbox subject:Lunch' } });
    expect(inbox.structuredContent).toMatchObject({ count: 0 });
  }

  it('inbox: shows the unread mail; Open reads it, Mark read marks it read and Archive archives it in the mailbox', async () => {
    const { user, client } = await signIn('Ina Inbox', RENDERS_VIEWS);
    // A stranger's markup in a subject is shown as text, never made into page elements.
    await seedMail(user.email, {
      from: 'Eve <eve@example.com>',
      subject: '<img id="injected" src="x"> hi',
      body: 'Hello.',
    });
    await inView(client, { tool: 'get_unread_emails', toolInput: {}, uri: VIEWS.inbox.uri }, async (view, calls) => {
      const row = view.locator('li', { hasText: 'Lunch?' });
      await expect.poll(() => row.count()).toBe(1);
      expect(await row.textContent()).toContain('Bob');
      await expect.poll(() => view.getByText('<img id="injected" src="x"> hi').count()).toBe(1);
      expect(await view.locator('#injected').count()).toBe(0);
      await row.getByRole('button', { name: 'Open: Lunch?' }).click();
      await expect.poll(() => view.locator('#reader pre').textContent()).toContain('Noon at the usual place?');
      await row.getByRole('button', { name: 'Mark read: Lunch?' }).click();
      await expect.poll(() => view.locator('#status').textContent()).toBe('Marked read.');
      const unread = await client.callTool({ name: 'search_emails', arguments: { query: 'is:unread subject:Lunch' } });
      expect(unread.structuredContent).toMatchObject({ count: 0 });
      await row.getByRole('button', { name: 'Archive: Lunch?' }).click();
      await expect.poll(() => view.locator('#status').textContent()).toBe('Archived: Lunch?');
      expect(calls).toEqual(['read_email', 'modify_emails', 'modify_emails']);
      // In the mailbox: no longer in the inbox, still there (archived, not deleted).
      await expectArchived(client);
      const all = await client.callTool({ name: 'search_emails', arguments: { query: 'subject:Lunch' } });
      expect(all.structuredContent).toMatchObject({ count: 1 });
    });
  });

  it('draft review: nothing is sent until Send; then exactly one mail, with the edits', async () => {
    const { user, client } = await signIn('Dora Draft', RENDERS_VIEWS);
    const toolInput = { to: 'friend@example.com', subject: 'Plan', body: 'First words.' };
    await inView(client, { tool: 'create_draft', toolInput, uri: VIEWS.draft_review.uri }, async (view, calls) => {
      await expect.poll(() => view.locator('#status').textContent()).toContain('Nothing is sent until you press Send');
      expect(await view.getByLabel('Text').inputValue()).toBe('First words.');
      await view.getByLabel('Text').fill('Edited words.');
      expect(calls).toEqual([]);
      expect(await emulator.sent(user.email)).toEqual([]);

      await view.getByRole('button', { name: 'Send' }).click();
      await expect.poll(() => view.locator('#status').textContent()).toBe('Sent.');
      const sent = await emulator.sent(user.email);
      expect(sent).toHaveLength(1);
      expect(sent[0]?.raw).toContain('Edited words.');
      expect(sent[0]?.raw).toContain('Subject: Plan');
      expect(calls).toEqual(['create_draft', 'delete_draft', 'send_draft']);
      // The first draft was replaced, the edited one sent: no draft is left behind.
      const drafts = await client.callTool({ name: 'list_drafts', arguments: {} });
      expect(drafts.structuredContent).toMatchObject({ drafts: [] });
      // Send cannot be pressed again.
      expect(await view.getByRole('button', { name: 'Send' }).isDisabled()).toBe(true);
    });
  });

  it('draft review: Discard deletes the draft and sends nothing', async () => {
    const { user, client } = await signIn('Dan Discard', RENDERS_VIEWS);
    const toolInput = { to: 'friend@example.com', subject: 'Maybe', body: 'Not sure yet.' };
    await inView(client, { tool: 'create_draft', toolInput, uri: VIEWS.draft_review.uri }, async (view, calls) => {
      await view.getByRole('button', { name: 'Discard draft' }).click();
      await expect.poll(() => view.locator('#status').textContent()).toBe('Draft discarded; nothing was sent.');
      expect(calls).toEqual(['delete_draft']);
      expect(await emulator.sent(user.email)).toEqual([]);
      const drafts = await client.callTool({ name: 'list_drafts', arguments: {} });
      expect(drafts.structuredContent).toMatchObject({ drafts: [] });
      expect(await view.getByRole('button', { name: 'Send' }).isDisabled()).toBe(true);
    });
  });

  it('conversation reader: shows the conversation, and Archive conversation archives its thread', async () => {
    const { client } = await signIn('Rita Reader', RENDERS_VIEWS);
    const unread = await client.callTool({ name: 'get_unread_emails', arguments: {} });
    const [email] = (unread.structuredContent as { emails: Array<{ thread_id: string }> }).emails;
    const toolInput = { thread_id: email?.thread_id };
    await inView(client, { tool: 'read_email', toolInput, uri: VIEWS.conversation.uri }, async (view, calls) => {
      await expect.poll(() => view.locator('article').count()).toBe(1);
      expect(await view.locator('article').textContent()).toContain('Noon at the usual place?');
      await view.getByRole('button', { name: 'Archive conversation' }).click();
      await expect.poll(() => view.locator('#status').textContent()).toBe('Conversation archived.');
      expect(calls).toEqual(['modify_emails']);
      await expectArchived(client);
    });
  });

  it('computers: shows the paired computer, and Unpair unpairs it', async () => {
    const { client } = await signIn('Cora Computers', RENDERS_VIEWS);
    const registered = await post('/api/agent/register', {
      body: { name: 'desk-pc', platform: 'linux', public_key: generateSigningKeyPair().publicKey },
    });
    await client.callTool({ name: 'pair_computer', arguments: { code: registered.json.pairing_code } });
    await inView(client, { tool: 'list_computers', toolInput: {}, uri: VIEWS.computers.uri }, async (view, calls) => {
      await expect.poll(() => view.locator('li', { hasText: 'desk-pc' }).count()).toBe(1);
      await view.getByRole('button', { name: 'Unpair: desk-pc' }).click();
      await expect.poll(() => view.locator('#status').textContent()).toBe('Unpaired desk-pc.');
      expect(calls).toEqual(['unpair_computer']);
      const after = await client.callTool({ name: 'list_computers', arguments: {} });
      expect(after.structuredContent).toMatchObject({ computers: [] });
    });
  });
});
