/**
 * A stand-in host for MCP Apps views (tests and screenshots): the official ext-apps
 * `AppBridge` bundled for the browser, run in a Chromium page that renders a view's HTML in a
 * sandboxed iframe (scripts only: an opaque origin, no same-origin access), as ChatGPT and
 * Claude do. The view's tool calls go from the bridge to `callTool` in Node (in the tests, a
 * real MCP client at /mcp).
 */
import { build } from 'esbuild';
import type { Frame, Page } from 'playwright-core';

const HOST_SOURCE = `
import { AppBridge, PostMessageTransport } from '@modelcontextprotocol/ext-apps/app-bridge';
globalThis.renderView = async (html, toolInput, toolResult) => {
  const frame = document.createElement('iframe');
  frame.sandbox = 'allow-scripts';
  frame.title = 'view';
  frame.style.cssText = 'width: 100%; height: 600px; border: 0';
  document.body.append(frame);
  const bridge = new AppBridge(null, { name: 'test host', version: '1.0.0' }, { serverTools: {} });
  bridge.oncalltool = (params) => globalThis.hostCallTool(params);
  bridge.oninitialized = async () => {
    await bridge.sendToolInput({ arguments: toolInput });
    await bridge.sendToolResult(toolResult);
  };
  // Listening before the view's first message: its window exists once the frame is in the page.
  await bridge.connect(new PostMessageTransport(frame.contentWindow, frame.contentWindow));
  frame.srcdoc = html;
};
`;

let bundled: Promise<string> | undefined;

/** The host script, bundled once per process. */
function hostScript(): Promise<string> {
  bundled ??= build({
    stdin: { contents: HOST_SOURCE, resolveDir: process.cwd(), loader: 'js' },
    bundle: true,
    format: 'iife',
    platform: 'browser',
    write: false,
    logLevel: 'warning',
  }).then((result) => result.outputFiles[0]?.text ?? '');
  return bundled;
}

/** A tool call as the bridge hands it over, and the result the host gives back. */
export type HostCallTool = (params: { name: string; arguments?: Record<string, unknown> }) => Promise<unknown>;

/**
 * Renders `html` in `page` as a host would after a tool call with `toolInput` answered
 * `toolResult`; the view's own tool calls run through `callTool`. Answers the view's frame.
 */
export async function renderView(
  page: Page,
  html: string,
  call: { toolInput: Record<string, unknown>; toolResult: unknown },
  callTool: HostCallTool,
) {
  await page.exposeFunction('hostCallTool', callTool);
  await page.setContent('<!doctype html><html lang="en"><head><title>Host</title></head><body></body></html>');
  await page.addScriptTag({ content: await hostScript() });
  await page.evaluate(
    ([view, input, result]) =>
      (globalThis as unknown as { renderView: (...args: unknown[]) => Promise<void> }).renderView(view, input, result),
    [html, call.toolInput, call.toolResult] as const,
  );
  return page.frameLocator('iframe[title=view]');
}

/** The view's own frame in a host page (to run checks inside it). */
export function viewFrame(page: Page): Frame {
  const frame = page.frames().find((candidate) => candidate !== page.mainFrame());
  if (!frame) throw new Error('no view frame in the page');
  return frame;
}
