import { renderDocsPage } from '#lib/chatgpt/docs';
import { buildOpenApiDocument, publicBaseUrl } from '#lib/chatgpt/openapi';
import { apiHandler } from '#lib/http/api-handler';
import { HttpResponse } from '#lib/http/response';
import { PAGE_HEADERS } from '#lib/oauth/pages';
import { operations } from '#lib/operations';

// The page needs nothing from elsewhere: no scripts at all, only its own inline styles; no
// form, and no site may frame it.
const HEADERS = {
  ...PAGE_HEADERS,
  'Content-Security-Policy':
    "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
};

/** The API reference as one self-contained HTML page, rendered from the OpenAPI document. */
export const handler = apiHandler(
  operations.get_docs_page,
  async ({ event, config }) =>
    new HttpResponse(
      200,
      renderDocsPage(buildOpenApiDocument(publicBaseUrl(config.PUBLIC_URL, event.headers ?? {}))),
      HEADERS,
    ),
);
