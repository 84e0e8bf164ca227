/**
 * `npm run screenshots`: photographs every page a person sees, at desktop and phone width, in
 * Debian's Chromium (local/chromium.ts), into docs/screenshots/ (shown by docs/pages.md). The
 * pages are rendered by the same functions the handlers answer with, for a broker at
 * EXAMPLE_URL, so no server is needed. The MCP Apps views are shown in a stand-in host
 * (local/view-host.ts) with made-up tool answers; their buttons are not pressed.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { renderDocsPage } from '#lib/catalog/docs';
import { buildOpenApiDocument } from '#lib/catalog/openapi';
import { consentPage } from '#lib/oauth/consent';
import type { GrantRecord } from '#lib/oauth/records';
import { ACCOUNT_PATHS, renderAccount, renderSignedOut } from '#lib/pages/account-page';
import { renderFrontDoor } from '#lib/pages/front-door';
import { VIEWS, type ViewName } from '#lib/views/catalog';
import { launchChromium, VIEWPORTS } from '../local/chromium.ts';
import { renderView } from '../local/view-host.ts';

const EXAMPLE_URL = 'https://broker.example.com';
const OUT = join(import.meta.dirname, '..', 'docs', 'screenshots');

const docs = renderDocsPage(buildOpenApiDocument(EXAMPLE_URL));
const day = Date.UTC(2026, 11, 4, 9, 30);
/** A made-up person with two paired computers. */
const signedIn = renderAccount({
  paths: ACCOUNT_PATHS,
  email: 'ann@example.com',
  csrf: 'example',
  computers: [
    { agent_id: 'a1', name: 'Office desktop', platform: 'windows', paired_at: day, last_seen: day, is_default: true },
    {
      agent_id: 'a2',
      name: "Ann's laptop",
      platform: 'macos',
      paired_at: day,
      last_seen: day - 86_400_000,
      is_default: false,
    },
  ],
  grants: [
    {
      grantId: 'g1',
      userId: 'u1',
      clientId: 'c1',
      clientName: 'Claude',
      resource: `${EXAMPLE_URL}/mcp`,
      tools: ['get_unread_emails', 'search_emails', 'read_email', 'send_email', 'launch_app'],
      googleScopes: [],
      googleRefreshToken: { key: '', iv: '', data: '' } as unknown as GrantRecord['googleRefreshToken'],
      createdAt: day - 3 * 86_400_000,
      refreshedAt: day,
      expiresAt: day + 90 * 86_400_000,
    },
  ],
});

/** A consent page for a made-up client asking to read and send mail and open apps. */
const consent = String(
  consentPage({
    requestId: 'example',
    clientName: 'Claude',
    redirectUri: 'https://claude.ai/api/mcp/auth_callback',
    tools: ['get_unread_emails', 'search_emails', 'read_email', 'send_email', 'modify_emails', 'launch_app'],
    kept: [],
    action: `${EXAMPLE_URL}/oauth/authorize`,
    account: `${EXAMPLE_URL}/account`,
    cookie: '',
  }).body,
);

/** Each picture by file name: the page's HTML, and what of it to photograph (all of it by default). */
const PAGES: Record<string, { html: string; part?: string }> = {
  'front-door': { html: renderFrontDoor(EXAMPLE_URL) },
  // The reference is dozens of screens long: its top, and one operation with its field tables.
  docs: { html: docs, part: 'header' },
  'docs-send-email': { html: docs, part: '#op-send_email' },
  'account-signed-out': { html: renderSignedOut(ACCOUNT_PATHS) },
  account: { html: signedIn },
  consent: { html: consent },
};

const bob = { from_email: 'bob@example.com', from_name: 'Bob Lee', to: ['ann@example.com'], cc: [] };
/** Each view by picture name: its tool's arguments and answer (`structuredContent`), made up. */
const VIEW_SHOTS: Record<string, { view: ViewName; toolInput: Record<string, unknown>; data: object }> = {
  'view-inbox': {
    view: 'inbox',
    toolInput: {},
    data: {
      count: 2,
      next_page_token: null,
      emails: [
        {
          ...bob,
          message_id: 'm1',
          thread_id: 't1',
          subject: 'Lunch on Friday?',
          snippet: 'Noon at the usual place?',
          is_unread: true,
        },
        {
          ...bob,
          message_id: 'm2',
          thread_id: 't2',
          subject: 'Slides for Monday',
          snippet: 'Attached the draft deck, comments welcome.',
          is_unread: true,
        },
      ],
    },
  },
  'view-conversation': {
    view: 'conversation',
    toolInput: { thread_id: 't1' },
    data: {
      thread_id: 't1',
      next_cursor: null,
      messages: [
        {
          ...bob,
          message_id: 'm1',
          subject: 'Lunch on Friday?',
          date: 'Fri, 4 Dec 2026 09:30:00 +0000',
          body: 'Noon at the usual place?\n\nBob',
          attachments: [],
        },
      ],
    },
  },
  'view-draft-review': {
    view: 'draft_review',
    toolInput: { to: 'bob@example.com', subject: 'Re: Lunch on Friday?', body: 'Noon works, see you there.\n\nAnn' },
    data: {
      draft_id: 'r1',
      message_id: 'm3',
      thread_id: 't1',
      to: ['bob@example.com'],
      subject: 'Re: Lunch on Friday?',
    },
  },
  'view-computers': {
    view: 'computers',
    toolInput: {},
    data: {
      computers: [
        {
          agent_id: 'a1',
          name: 'Office desktop',
          platform: 'windows',
          is_default: true,
          paired_at: '2026-12-01T09:30:00Z',
          last_seen: '2026-12-04T09:30:00Z',
        },
        {
          agent_id: 'a2',
          name: "Ann's laptop",
          platform: 'macos',
          is_default: false,
          paired_at: '2026-12-02T09:30:00Z',
          last_seen: '2026-12-03T18:00:00Z',
        },
      ],
    },
  },
};

await mkdir(OUT, { recursive: true });
const browser = await launchChromium();
try {
  for (const [name, { html, part }] of Object.entries(PAGES)) {
    for (const [width, viewport] of Object.entries(VIEWPORTS)) {
      const page = await browser.newPage({ viewport });
      await page.setContent(html);
      const path = join(OUT, `${name}-${width}.png`);
      if (part) await page.locator(part).screenshot({ path });
      else await page.screenshot({ path, fullPage: true });
      await page.close();
      console.log(path);
    }
  }
  for (const [name, { view, toolInput, data }] of Object.entries(VIEW_SHOTS)) {
    const html = await VIEWS[view].load();
    for (const [width, viewport] of Object.entries(VIEWPORTS)) {
      const page = await browser.newPage({ viewport });
      const toolResult = { content: [{ type: 'text', text: JSON.stringify(data) }], structuredContent: data };
      const frame = await renderView(page, html, { toolInput, toolResult }, async () => {
        throw new Error('not in screenshots');
      });
      await frame.locator('#status:not(:empty)').waitFor();
      const path = join(OUT, `${name}-${width}.png`);
      await page.locator('iframe').screenshot({ path });
      await page.close();
      console.log(path);
    }
  }
} finally {
  await browser.close();
}
