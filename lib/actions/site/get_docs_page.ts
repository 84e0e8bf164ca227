import { renderDocsPage } from '../../catalog/docs.ts';
import { buildOpenApiDocument, publicBaseUrl } from '../../catalog/openapi.ts';
import type { Action } from '../../http/api-handler.ts';
import { HttpResponse } from '../../http/response.ts';
import type { operations } from '../../operations.ts';
import { PAGE_HEADERS } from '../../web/page.ts';

// The page needs nothing from elsewhere: no scripts at all, only its own inline styles; no
// form, and no site may frame it.
const HEADERS = {
  ...PAGE_HEADERS,
  'Content-Security-Policy':
    "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
};

/** The API reference as one self-contained HTML page, rendered from the OpenAPI document. */
export const get_docs_page: Action<typeof operations.get_docs_page> = async ({ event, config }) =>
  new HttpResponse(
    200,
    renderDocsPage(buildOpenApiDocument(publicBaseUrl(config.PUBLIC_URL, event.headers ?? {}))),
    HEADERS,
  );
