import { EXTENSION_ID, getUiCapability, RESOURCE_MIME_TYPE } from '@modelcontextprotocol/ext-apps/server';
import type { ClientCapabilities, ReadResourceResult, Resource } from '@modelcontextprotocol/server';
import { ResourceNotFoundError } from '@modelcontextprotocol/server';
import type { Operation } from '../operations.ts';
import { VIEWS, type ViewSpec } from '../views/catalog.ts';

/** What the server says of MCP Apps in its capabilities (`capabilities.extensions`). */
export const VIEWS_EXTENSION = { [EXTENSION_ID]: { mimeTypes: [RESOURCE_MIME_TYPE] } };

/**
 * Whether to offer this request's client the MCP Apps views. A 2026-07-28 client says on
 * every request: only one that declared the extension with the HTML MIME type
 * (`clientCapabilities.extensions["io.modelcontextprotocol/ui"]`) gets them. A 2025-era
 * client declared its capabilities in an `initialize` this stateless server did not keep
 * (`undefined` here), and hosts that render views (ChatGPT, Claude) still speak those
 * revisions, so it is offered them: a host without MCP Apps ignores the tools' `ui` meta and
 * the `ui://` resources, and every answer carries its text and structured content anyway.
 */
export function rendersViews(capabilities: ClientCapabilities | undefined): boolean {
  if (capabilities === undefined) return true;
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
