import { endpoints, operations } from '../operations.ts';
import { escapeHtml, page } from '../web/page.ts';

/**
 * The page a person sees at `/`: what this service is and how to connect to it, for GPT
 * Actions (the OpenAPI document) and for MCP clients (the `/mcp` address). Addresses are
 * derived from the registry and from `baseUrl`, and escaped: the base URL may come from a
 * request's Host header.
 */
export function renderFrontDoor(baseUrl: string): string {
  const openapi = `${baseUrl}${operations.get_openapi_document.path}`;
  const mcp = `${baseUrl}${endpoints.mcp.routes[0].path}`;
  const docs = `${baseUrl}${operations.get_docs_page.path}`;
  const account = `${baseUrl}${endpoints.account.routes[0].path}`;
  return page(
    'ChatGPT Broker',
    `<header><h1>ChatGPT Broker</h1>
<p>Lets ChatGPT and other AI assistants read and send your Gmail, and open apps on your own computer,
only after you sign in with Google and allow it.</p></header>
<main>
<h2>Connect</h2>
<h3>A custom GPT (GPT Actions)</h3>
<p>In the GPT editor, under Actions, import the schema from this address:</p>
<p><code>${escapeHtml(openapi)}</code></p>
<h3>An MCP client (Claude, ChatGPT connectors)</h3>
<p>Add a remote MCP server with this address; it asks you to sign in with Google:</p>
<p><code>${escapeHtml(mcp)}</code></p>
<h2>Your account</h2>
<p><a href="${escapeHtml(account)}">Your account</a>: sign in with Google to see the computers paired with it and the applications you allowed, and end either.</p>
<h2>Learn more</h2>
<ul>
<li><a href="${escapeHtml(docs)}">API reference</a>: every operation, its fields and answers</li>
<li><a href="${escapeHtml(openapi)}">OpenAPI document</a> (JSON)</li>
</ul>
</main>`,
    'code{overflow-wrap:anywhere}h2{margin-top:2rem}',
  );
}
