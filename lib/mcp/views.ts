import { EXTENSION_ID, getUiCapability, RESOURCE_MIME_TYPE } from '@modelcontextprotocol/ext-apps/server';
import type { ClientCapabilities, ReadResourceResult, Resource } from '@modelcontextprotocol/server';
import { ResourceNotFoundError } from '@modelcontextprotocol/server';
import type { Operation } from '../operations.ts';
import { VIEWS, type ViewSpec } from '../views/catalog.ts';

/** What the server says of MCP Apps in its capabilities (`capabilities.extensions`). */
export const VIEWS_EXTENSION = { [EXTENSION_ID]: { mimeTypes: [RESOURCE_MIME_TYPE] } };

/**
 * Whether this request's client renders MCP Apps views: it declared the extension with the
 * HTML MIME type (`clientCapabilities.extensions["io.modelcontextprotocol/ui"]`). Clients that
 * did not (and 2025-era clients, whose `initialize` a stateless server does not keep) get the
 * tools without views: the same text and structured answers.
 */
export function rendersViews(capabilities: ClientCapabilities | undefined): boolean {
  return getUiCapability(capabilities)?.mimeTypes?.includes(RESOURCE_MIME_TYPE) === true;
}

/** The view a tool shows its answer in, if it declares one. */
export function viewOf(operation: Operation): ViewSpec | undefined {
  return operation.view === undefined ? undefined : VIEWS[operation.view];
}

/** A tool's `_meta` linking it to its view (the ext-apps form, and the older flat key hosts still read). */
export function viewMeta(view: ViewSpec): Record<string, unknown> {
  return { ui: { resourceUri: view.uri }, 'ui/resourceUri': view.uri };
}

/**
 * What the host is told of every view's page: no network of its own and no outside assets
 * (empty CSP allow-lists, so the host's strictest default applies), drawn with a border.
 */
const VIEW_UI_META = { ui: { csp: { connectDomains: [], resourceDomains: [] }, prefersBorder: true } };

/** The views of the granted tools, once each. */
function grantedViews(operations: readonly Operation[]): ViewSpec[] {
  return [...new Set(operations.map(viewOf).filter((view) => view !== undefined))];
}

/** `resources/list`: the views of the granted tools. */
export function listViews(operations: readonly Operation[]): Resource[] {
  return grantedViews(operations).map((view) => ({
    uri: view.uri,
    name: view.title,
    title: view.title,
    description: view.description,
    mimeType: RESOURCE_MIME_TYPE,
    _meta: VIEW_UI_META,
  }));
}

/** `resources/read` of a view of a granted tool; any other address is not found. */
export async function readView(operations: readonly Operation[], uri: string): Promise<ReadResourceResult> {
  const view = grantedViews(operations).find((candidate) => candidate.uri === uri);
  if (!view) throw new ResourceNotFoundError(uri);
  return { contents: [{ uri: view.uri, mimeType: RESOURCE_MIME_TYPE, text: await view.load(), _meta: VIEW_UI_META }] };
}
