import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { launchChromium } from '../../local/chromium.ts';
import { get } from './api.ts';

/** The bits of the page's DOM the checks read (the project compiles without the DOM library). */
export interface PageGlobals {
  document: {
    documentElement: { scrollWidth: number; clientWidth: number };
    activeElement: { textContent: string | null; getAttribute(name: string): string | null } | null;
  };
  getComputedStyle(element: unknown): { outlineStyle: string; outlineWidth: string };
  axe: { run: (context: unknown, options: unknown) => Promise<{ violations: AxeResult[] }> };
}
interface AxeResult {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown }[];
}

// axe-core's own browser bundle, run inside the page under test.
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** One accessibility rule a page breaks, as axe-core reports it. */
export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

/**
 * Runs axe-core's WCAG 2.x A/AA rules on the loaded page (or frame) and returns the serious
 * and critical violations. Injected over the DevTools protocol, which the page's CSP does not govern.
 */
export async function seriousViolations(page: Pick<Page, 'evaluate'>): Promise<AxeViolation[]> {
  await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const { axe, document } = globalThis as unknown as PageGlobals;
    const result = await axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
    });
    return result.violations.map((violation) => ({
      id: violation.id,
      impact: violation.impact,
      help: violation.help,
      targets: violation.nodes.map((node) => String(node.target)),
    }));
  });
  return violations.filter((violation) => ['serious', 'critical'].includes(violation.impact ?? ''));
}

/** How many CSS pixels the page is wider than its viewport (0: no horizontal scroll). */
export function horizontalOverflow(page: Pick<Page, 'evaluate'>): Promise<number> {
  return page.evaluate(() => {
    const root = (globalThis as unknown as PageGlobals).document.documentElement;
    return root.scrollWidth - root.clientWidth;
  });
}

/**
 * Presses Tab once per link on the page and returns, for each stop, the focused element's
 * `href` and whether it shows a focus ring (an outline wider than 0).
 */
export async function tabThroughLinks(page: Page): Promise<{ href: string | null; ring: boolean }[]> {
  const stops: { href: string | null; ring: boolean }[] = [];
  const count = await page.locator('a[href]').count();
  for (let step = 0; step < count; step += 1) {
    await page.keyboard.press('Tab');
    stops.push(
      await page.evaluate(() => {
        const { document, getComputedStyle } = globalThis as unknown as PageGlobals;
        const focused = document.activeElement;
        const style = focused ? getComputedStyle(focused) : undefined;
        return {
          href: focused?.getAttribute('href') ?? null,
          ring: style !== undefined && style.outlineStyle !== 'none' && style.outlineWidth !== '0px',
        };
      }),
    );
  }
  return stops;
}

/** A Chromium for a file's tests, and the broker's canonical address (PUBLIC_URL), which its pages name. */
export interface BrowserContext {
  browser: Browser;
  publicUrl: string;
}

/** Starts Chromium before the file's tests and closes it after; the fields are set once they run. */
export function useBrowser(): BrowserContext {
  const context = {} as BrowserContext;
  beforeAll(async () => {
    context.browser = await launchChromium();
    context.publicUrl = (await get('/openapi.json')).json.servers[0].url;
  });
  afterAll(async () => {
    await context.browser?.close();
  });
  return context;
}
