import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { VIEWPORTS } from '../../local/chromium.ts';
import { apiUrl, get } from '../support/api.ts';
import {
  horizontalOverflow,
  type PageGlobals,
  seriousViolations,
  tabThroughLinks,
  useBrowser,
} from '../support/browser.ts';

// What Chromium sends for a page it navigates to.
const BROWSER_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8';
// The account page as a browser without a session sees it (signed in: account.test.ts).
const PAGES = ['/', '/docs', '/account'] as const;

// The pages name the canonical address (publicUrl); the tests reach the broker at `apiUrl`.
const chromium = useBrowser();

async function open(path: string, viewport: { width: number; height: number } = VIEWPORTS.desktop): Promise<Page> {
  const page = await chromium.browser.newPage({ viewport });
  const response = await page.goto(`${apiUrl}${path}`);
  expect(response?.status()).toBe(200);
  return page;
}

describe('every page in Chromium', () => {
  for (const path of PAGES) {
    for (const [name, viewport] of Object.entries(VIEWPORTS)) {
      it(`${path} at ${name} width (${viewport.width} px): no serious or critical axe violation, no sideways scroll`, async () => {
        const page = await open(path, viewport);
        try {
          expect(await seriousViolations(page)).toEqual([]);
          expect(await horizontalOverflow(page)).toBe(0);
        } finally {
          await page.close();
        }
      });
    }
  }

  for (const path of PAGES) {
    it(`${path} from the keyboard: Tab reaches every link in reading order, each with a visible focus ring`, async () => {
      const page = await open(path);
      try {
        const links = await page
          .locator('a[href]')
          .evaluateAll((anchors) => anchors.map((a) => a.getAttribute('href')));
        expect(links.length).toBeGreaterThan(0);
        const stops = await tabThroughLinks(page);
        expect(stops.map((stop) => stop.href)).toEqual(links);
        expect(stops.filter((stop) => !stop.ring)).toEqual([]);
      } finally {
        await page.close();
      }
    });
  }

  it('no page can be framed, and none loads anything from elsewhere', async () => {
    for (const path of PAGES) {
      const response = await fetch(`${apiUrl}${path}`, { headers: { accept: BROWSER_ACCEPT } });
      const csp = response.headers.get('content-security-policy') ?? '';
      expect(csp, path).toContain("default-src 'none'");
      expect(csp, path).toContain("frame-ancestors 'none'");
      expect(response.headers.get('x-frame-options'), path).toBe('DENY');
    }
  });
});

describe('the front door', () => {
  it('gives a browser the page and a program the JSON it always gave, varying on Accept', async () => {
    const page = await fetch(`${apiUrl}/`, { headers: { accept: BROWSER_ACCEPT } });
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('vary')).toMatch(/Accept/);
    const html = await page.text();
    expect(html).toContain(`<code>${chromium.publicUrl}/mcp</code>`);
    expect(html).toContain(`<code>${chromium.publicUrl}/openapi.json</code>`);

    const program = await get('/');
    expect(program.headers.get('content-type')).toMatch(/^application\/json/);
    expect(program.headers.get('vary')).toMatch(/Accept/);
    expect(program.json).toMatchObject({ success: true, message: 'ChatGPT Backend Broker' });
    expect(program.json.endpoints.service_info).toBe('GET /');
  });

  it('every link on it opens a page that answers 200', async () => {
    const page = await open('/');
    try {
      const links = await page
        .locator('a')
        .evaluateAll((anchors) => anchors.map((a) => String(Reflect.get(a, 'href'))));
      expect(links).toEqual([
        `${chromium.publicUrl}/account`,
        `${chromium.publicUrl}/docs`,
        `${chromium.publicUrl}/openapi.json`,
      ]);
      for (const [index, href] of links.entries()) {
        await page.goto(`${apiUrl}/`);
        const [response] = await Promise.all([page.waitForEvent('response'), page.locator('a').nth(index).click()]);
        expect(response.url()).toBe(href);
        expect(response.status(), href).toBe(200);
      }
      await page.goto(`${apiUrl}/`);
      await page.getByRole('link', { name: 'API reference' }).click();
      await expect.poll(() => page.locator('h1').textContent()).toMatch(/API reference/);
    } finally {
      await page.close();
    }
  });

  it('is usable from the keyboard: Tab reaches each link, Enter follows it', async () => {
    const page = await open('/');
    try {
      const reached: string[] = [];
      for (let step = 0; step < 5; step += 1) {
        await page.keyboard.press('Tab');
        reached.push(
          await page.evaluate(() => (globalThis as unknown as PageGlobals).document.activeElement?.textContent ?? ''),
        );
        if (reached.at(-1) === 'API reference') break;
      }
      expect(reached).toContain('API reference');
      await page.keyboard.press('Enter');
      await page.waitForURL(`${chromium.publicUrl}/docs`);
      expect(await page.locator('h1').textContent()).toMatch(/API reference/);
    } finally {
      await page.close();
    }
  });
});
