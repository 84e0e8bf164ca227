/**
 * The shell every view shares: a strict Content-Security-Policy of its own (no network, no
 * outside assets: only its inline script and style run), plain readable styles, and a small
 * client of the MCP Apps host bridge (JSON-RPC 2.0 over `postMessage` to the host, as the
 * ext-apps spec 2026-01-26 defines it: `ui/initialize`, `ui/notifications/initialized`, then
 * `tools/call` through the host, which keeps its own confirmation and our scopes).
 *
 * Why not the ext-apps `App` class in the page: bundled with its dependencies it is 664 KB of
 * minified script per view (esbuild, measured), against about 2 KB for the four messages the
 * views use. The host side in tests is the official `AppBridge`, so the wire stays checked.
 * All text the views show is set with `textContent`, never parsed as HTML.
 */
import { SERVICE } from '../service.ts';

/** The ext-apps protocol revision the views speak (`LATEST_PROTOCOL_VERSION` of ext-apps 2.0). */
export const VIEW_PROTOCOL_VERSION = '2026-01-26';

const CSP =
  "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; connect-src 'none'; form-action 'none'; base-uri 'none'";

const STYLE = `
:root { color-scheme: light dark; font: 15px/1.45 system-ui, sans-serif; }
body { margin: 0; padding: 12px; }
h1 { font-size: 1.1rem; margin: 0 0 8px; }
ul { list-style: none; margin: 0; padding: 0; }
li { border-bottom: 1px solid #8884; padding: 8px 0; }
.from { font-weight: 600; }
.unread .subject { font-weight: 700; }
.snippet, .note { color: #666; overflow-wrap: anywhere; }
.actions { display: flex; flex-wrap: wrap; gap: 6px; margin-top: 6px; }
button { font: inherit; padding: 4px 10px; border-radius: 6px; border: 1px solid #888; background: #fff0; cursor: pointer; }
button.primary { background: #1a56db; color: #fff; border-color: #1a56db; }
button:disabled { opacity: .5; cursor: default; }
button:focus-visible, input:focus-visible, textarea:focus-visible { outline: 2px solid #1a56db; outline-offset: 2px; }
label { display: block; margin-top: 8px; font-weight: 600; }
input, textarea { box-sizing: border-box; width: 100%; font: inherit; padding: 6px; }
textarea { min-height: 8rem; }
pre { white-space: pre-wrap; overflow-wrap: anywhere; font: inherit; background: #8881; padding: 8px; }
[role=status] { min-height: 1.4em; margin-top: 8px; }
`;

const BRIDGE = `
const bridge = (() => {
  const pending = new Map();
  const handlers = {};
  let nextId = 1;
  const send = (message) => window.parent.postMessage({ jsonrpc: '2.0', ...message }, '*');
  const request = (method, params) =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      send({ id, method, params });
    });
  window.addEventListener('message', (event) => {
    if (event.source !== window.parent) return;
    const message = event.data;
    if (!message || message.jsonrpc !== '2.0') return;
    if (message.method === undefined) {
      const waiting = pending.get(message.id);
      if (!waiting) return;
      pending.delete(message.id);
      if (message.error) waiting.reject(new Error(message.error.message));
      else waiting.resolve(message.result);
    } else if (message.id !== undefined) {
      // Host requests (ping, ui/resource-teardown): nothing to keep or clean up.
      send({ id: message.id, result: {} });
    } else if (handlers[message.method]) {
      handlers[message.method](message.params || {});
    }
  });
  const textOf = (result) => ((result.content || []).find((part) => part.type === 'text') || {}).text || 'Failed.';
  return {
    on(method, handler) { handlers[method] = handler; },
    async connect(name) {
      await request('ui/initialize', {
        appInfo: { name, version: '1' },
        appCapabilities: {},
        protocolVersion: '${VIEW_PROTOCOL_VERSION}',
      });
      send({ method: 'ui/notifications/initialized', params: {} });
    },
    /** Calls one of our tools through the host; answers its structured data or throws its message. */
    async callTool(name, args) {
      const result = await request('tools/call', { name, arguments: args });
      if (result.isError) throw new Error(textOf(result));
      return result.structuredContent || {};
    },
  };
})();
const el = (tag, props, ...children) => {
  const node = document.createElement(tag);
  Object.assign(node, props);
  for (const child of children) node.append(child);
  return node;
};
const say = (text) => { document.getElementById('status').textContent = text; };
/** Shows each item of the tool result's list \`field\` as a row of \`list\`, and how many there are. */
function showListOnResult(list, field, row, noun) {
  bridge.on('ui/notifications/tool-result', (result) => {
    const items = (result.structuredContent && result.structuredContent[field]) || [];
    list.replaceChildren(...items.map(row));
    say(result.isError ? 'The tool failed.' : items.length + ' ' + noun + '.');
  });
}
/** Runs one action, saying it is under way, then what it answered or why it failed. */
async function act(label, work) {
  say(label + '…');
  try {
    say(await work());
  } catch (error) {
    say(label + ' failed: ' + error.message);
  }
}
/** A button whose accessible name also says what it acts on (several rows have the same buttons). */
function actionButton(text, about, onClick) {
  const node = el('button', { type: 'button', textContent: text });
  node.setAttribute('aria-label', text + ': ' + about);
  node.addEventListener('click', onClick);
  return node;
}
/** A text box with its label and one button that sends what was typed; answers the form. */
function sendForm(id, labelText, buttonText, send) {
  const text = el('textarea', { id });
  const button = el('button', { type: 'button', className: 'primary', textContent: buttonText });
  const form = el('div', {}, el('label', { htmlFor: id, textContent: labelText }), text, el('div', { className: 'actions' }, button));
  button.addEventListener('click', () => act(buttonText, async () => {
    button.disabled = true;
    try {
      const said = await send(text.value);
      form.remove();
      return said;
    } catch (error) {
      button.disabled = false;
      throw error;
    }
  }));
  return form;
}
`;

/**
 * A whole view page: `body` is trusted markup of our own; `script` runs after the bridge is
 * set up and sets its handlers, then the page connects to the host.
 */
export function viewPage(title: string, body: string, script: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<title>${title}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
${body}
<p id="status" role="status" aria-live="polite"></p>
</main>
<script>
${BRIDGE}
${script}
bridge.connect('${SERVICE} ${title}').catch((error) => say('Could not reach the host: ' + error.message));
</script>
</body>
</html>
`;
}

/**
 * A view that lists the tool result's `list.field` (an array) as rows, made by the function
 * `row(item)` that `script` defines; `after` is markup of our own after the list.
 */
export function listPage(
  title: string,
  list: { field: string; label: string; noun: string },
  script: string,
  after = '',
): string {
  return viewPage(
    title,
    `<h1>${title}</h1>\n<ul id="list" aria-label="${list.label}"></ul>${after}`,
    `${script}\nshowListOnResult(document.getElementById('list'), '${list.field}', row, '${list.noun}');`,
  );
}
