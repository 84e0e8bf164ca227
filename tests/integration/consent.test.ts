import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { VIEWPORTS } from '../../local/chromium.ts';
import { apiUrl, emulator, newUser } from '../support/api.ts';
import { horizontalOverflow, type PageGlobals, seriousViolations, useBrowser } from '../support/browser.ts';
import { pkce } from '../support/mcp.ts';
import { authorizationUrl, mcpCall, REDIRECT_URI, redeem, register } from '../support/oauth.ts';

/**
 * The consent page in Chromium, as a person meets it (issue 22 item 3): one canonical host
 * for the whole flow whatever host name it was started at, readable at phone width, and no
 * serious accessibility violation.
 */
const chromium = useBrowser();

/** The same authorization URL at another origin (the broker's own, under another host name). */
const at = (origin: string, url: string) => {
  const moved = new URL(url);
  const target = new URL(origin);
  moved.host = target.host;
  return moved.toString();
};

/** Presses Tab until the focused element's text is `text` (at most 10 times): what has focus, and whether it shows a ring. */
async function tabTo(page: Page, text: string): Promise<{ text: string | null; ring: boolean }> {
  let focused: { text: string | null; ring: boolean } = { text: null, ring: false };
  for (let step = 0; step < 10 && focused.text !== text; step += 1) {
    await page.keyboard.press('Tab');
    focused = await page.evaluate(() => {
      const { document, getComputedStyle } = globalThis as unknown as PageGlobals;
      const element = document.activeElement;
      const style = element ? getComputedStyle(element) : undefined;
      return {
        text: element?.textContent ?? null,
        ring: style !== undefined && style.outlineStyle !== 'none' && style.outlineWidth !== '0px',
      };
    });
  }
  return focused;
}

describe('the consent flow in Chromium', () => {
  for (const start of ['127.0.0.1 (the address the tests reach)', 'localhost (PUBLIC_URL)']) {
    it(`started at ${start}: Allow leads through Google back to the client with a code that works`, async () => {
      const user = await newUser();
      const clientId = await register('Chromium consent client');
      await emulator.setConsentUser(user.email);
      const { verifier, challenge } = pkce();
      const canonical = authorizationUrl(clientId, challenge, { scope: 'get_unread_emails launch_app' });
      const url = start.startsWith('127') ? at(apiUrl, canonical) : canonical;
      expect(new URL(url).host).toBe(new URL(start.startsWith('127') ? apiUrl : chromium.publicUrl).host);
      const page = await chromium.browser.newPage({ viewport: VIEWPORTS.phone });
      try {
        await page.goto(url);
        expect(new URL(page.url()).host).toBe(new URL(chromium.publicUrl).host);
        await page.getByRole('heading', { name: 'Allow access?' }).waitFor();
        expect(await page.getByRole('heading', { level: 2 }).allTextContents()).toEqual([
          'Read your mail',
          'Open apps on your computer',
          'What happens next',
        ]);
        expect(await seriousViolations(page)).toEqual([]);
        expect(await horizontalOverflow(page)).toBe(0);
        // The client's redirect URI answers nothing (port 9): its request is where the flow ends.
        const back = page.waitForRequest((request) => request.url().startsWith(REDIRECT_URI));
        // By keyboard: Tab to Allow (it shows a focus ring), then Enter.
        expect(await tabTo(page, 'Allow')).toEqual({ text: 'Allow', ring: true });
        await page.keyboard.press('Enter');
        const answer = new URL((await back).url());
        expect(answer.searchParams.get('error')).toBeNull();
        const code = answer.searchParams.get('code') ?? '';
        const tokens = await redeem({ clientId, code, verifier, email: user.email });
        expect(tokens.status).toBe(200);
        expect(tokens.json.scope).toContain('get_unread_emails');
        expect((await mcpCall(tokens.json.access_token ?? '')).status).toBe(200);
      } finally {
        await page.close();
      }
    });
  }

  it('the consent page at desktop width: no serious or critical axe violation, no sideways scroll', async () => {
    const clientId = await register('A client with a long name that goes on and on and on and on and on');
    const page = await chromium.browser.newPage({ viewport: VIEWPORTS.desktop });
    try {
      await page.goto(authorizationUrl(clientId, pkce().challenge));
      await page.getByRole('heading', { name: 'Allow access?' }).waitFor();
      expect(await seriousViolations(page)).toEqual([]);
      expect(await horizontalOverflow(page)).toBe(0);
      expect(await page.getByRole('link', { name: 'your account page' }).getAttribute('href')).toBe(
        `${chromium.publicUrl}/account`,
      );
    } finally {
      await page.close();
    }
  });
});

describe('consent page security', () => {
  it('sends a flow started at another host name to the canonical one before setting any cookie', async () => {
    const clientId = await register();
    const canonical = authorizationUrl(clientId, pkce().challenge);
    const elsewhere = await fetch(at(apiUrl, canonical), { redirect: 'manual' });
    expect(elsewhere.status).toBe(302);
    expect(elsewhere.headers.get('location')).toBe(canonical);
    expect(elsewhere.headers.get('set-cookie')).toBeNull();
  });
});
