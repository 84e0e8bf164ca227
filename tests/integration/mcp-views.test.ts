import type { Client, ClientCapabilities } from '@modelcontextprotocol/client';
import { EXTENSION_ID, RESOURCE_MIME_TYPE } from '@modelcontextprotocol/ext-apps/server';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { generateSigningKeyPair } from '#lib/jobs/signing';
import { VIEWS } from '#lib/views/catalog';
import { emulator, post } from '../support/api.ts';
import { horizontalOverflow, seriousViolations, useBrowser } from '../support/browser.ts';
import { connectModern, publishedMcpUrl, seedMail, TestOAuthProvider, userWithMail } from '../support/mcp.ts';
import { type HostCallTool, renderView, viewFrame } from '../support/view-host.ts';

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
});

describe('MCP Apps views in a host (ext-apps AppBridge, sandboxed iframe, Chromium)', () => {
  const chromium = useBrowser();

  /** A host page whose view calls tools through `client`, counting each call by name. */
  async function host(client: Client) {
    const page = await chromium.browser.newPage();
    const calls: string[] = [];
    const callTool: HostCallTool = async (params) => {
      calls.push(params.name);
      return client.callTool({ name: params.name, arguments: params.arguments ?? {} });
    };
    return { page, calls, callTool };
  }

  /** At phone width, the view in its frame has no serious accessibility violation and no sideways scroll. */
  async function expectUsable(page: Page): Promise<void> {
    await page.setViewportSize({ width: 390, height: 800 });
    expect(await seriousViolations(viewFrame(page))).toEqual([]);
    expect(await horizontalOverflow(viewFrame(page))).toBe(0);
  }

  async function viewHtml(client: Client, uri: string): Promise<string> {
    const [content] = (await client.readResource({ uri })).contents;
    if (!content || !('text' in content)) throw new Error(`no HTML for ${uri}`);
    return content.text;
  }

  it('inbox: shows the unread mail, and Archive archives it in the mailbox', async () => {
    const { user, client } = await signIn('Ina Inbox', RENDERS_VIEWS);
    // A stranger's markup in a subject is shown as text, never made into page elements.
    await seedMail(user.email, {
      from: 'Eve <eve@example.com>',
      subject: '<img id="injected" src="x"> hi',
      body: 'Hello.',
    });
    const toolInput = {};
    const toolResult = await client.callTool({ name: 'get_unread_emails', arguments: toolInput });
    const { page, calls, callTool } = await host(client);
    try {
      const view = await renderView(page, await viewHtml(client, VIEWS.inbox.uri), { toolInput, toolResult }, callTool);
      const row = view.locator('li', { hasText: 'Lunch?' });
      await expect.poll(() => row.count()).toBe(1);
      expect(await row.textContent()).toContain('Bob');
      await expect.poll(() => view.getByText('<img id="injected" src="x"> hi').count()).toBe(1);
      expect(await view.locator('#injected').count()).toBe(0);
      await expectUsable(page);
      await row.getByRole('button', { name: 'Archive: Lunch?' }).click();
      await expect.poll(() => view.locator('#status').textContent()).toBe('Archived: Lunch?');
      expect(calls).toEqual(['modify_emails']);
      // In the mailbox: no longer in the inbox, still there (archived, not deleted).
      const inbox = await client.callTool({ name: 'search_emails', arguments: { query: 'in:inbox subject:Lunch' } });
      expect(inbox.structuredContent).toMatchObject({ count: 0 });
      const all = await client.callTool({ name: 'search_emails', arguments: { query: 'subject:Lunch' } });
      expect(all.structuredContent).toMatchObject({ count: 1 });
    } finally {
      await page.close();
    }
  });

  it('draft review: nothing is sent until Send; then exactly one mail, with the edits', async () => {
    const { user, client } = await signIn('Dora Draft', RENDERS_VIEWS);
    const toolInput = { to: 'friend@example.com', subject: 'Plan', body: 'First words.' };
    const toolResult = await client.callTool({ name: 'create_draft', arguments: toolInput });
    const { page, calls, callTool } = await host(client);
    try {
      const view = await renderView(
        page,
        await viewHtml(client, VIEWS.draft_review.uri),
        { toolInput, toolResult },
        callTool,
      );
      await expect.poll(() => view.locator('#status').textContent()).toContain('Nothing is sent until you press Send');
      expect(await view.getByLabel('Text').inputValue()).toBe('First words.');
      await expectUsable(page);
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
    } finally {
      await page.close();
    }
  });

  it('conversation reader: shows the conversation, and Archive conversation archives its thread', async () => {
    const { client } = await signIn('Rita Reader', RENDERS_VIEWS);
    const unread = await client.callTool({ name: 'get_unread_emails', arguments: {} });
    const [email] = (unread.structuredContent as { emails: Array<{ thread_id: string }> }).emails;
    const toolInput = { thread_id: email?.thread_id };
    const toolResult = await client.callTool({ name: 'read_email', arguments: toolInput });
    const { page, calls, callTool } = await host(client);
    try {
      const html = await viewHtml(client, VIEWS.conversation.uri);
      const view = await renderView(page, html, { toolInput, toolResult }, callTool);
      await expect.poll(() => view.locator('article').count()).toBe(1);
      expect(await view.locator('article').textContent()).toContain('Noon at the usual place?');
      await expectUsable(page);
      await view.getByRole('button', { name: 'Archive conversation' }).click();
      await expect.poll(() => view.locator('#status').textContent()).toBe('Conversation archived.');
      expect(calls).toEqual(['modify_emails']);
      const inbox = await client.callTool({ name: 'search_emails', arguments: { query: 'in:inbox subject:Lunch' } });
      expect(inbox.structuredContent).toMatchObject({ count: 0 });
    } finally {
      await page.close();
    }
  });

  it('computers: shows the paired computer, and Unpair unpairs it', async () => {
    const { client } = await signIn('Cora Computers', RENDERS_VIEWS);
    const registered = await post('/api/agent/register', {
      body: { name: 'desk-pc', platform: 'linux', public_key: generateSigningKeyPair().publicKey },
    });
    await client.callTool({ name: 'pair_computer', arguments: { code: registered.json.pairing_code } });
    const toolResult = await client.callTool({ name: 'list_computers', arguments: {} });
    const { page, calls, callTool } = await host(client);
    try {
      const html = await viewHtml(client, VIEWS.computers.uri);
      const view = await renderView(page, html, { toolInput: {}, toolResult }, callTool);
      await expect.poll(() => view.locator('li', { hasText: 'desk-pc' }).count()).toBe(1);
      await expectUsable(page);
      await view.getByRole('button', { name: 'Unpair: desk-pc' }).click();
      await expect.poll(() => view.locator('#status').textContent()).toBe('Unpaired desk-pc.');
      expect(calls).toEqual(['unpair_computer']);
      const after = await client.callTool({ name: 'list_computers', arguments: {} });
      expect(after.structuredContent).toMatchObject({ computers: [] });
    } finally {
      await page.close();
    }
  });
});
