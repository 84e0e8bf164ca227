import { buildOpenApiDocument, publicBaseUrl } from '#lib/chatgpt/openapi';
import { apiHandler } from '#lib/http/api-handler';
import { HttpResponse } from '#lib/http/response';
import { operations } from '#lib/operations';

/** The OpenAPI 3.1 document a custom GPT imports as its Actions. */
export const handler = apiHandler(
  operations.get_openapi_document,
  async ({ event, config }) =>
    new HttpResponse(200, buildOpenApiDocument(publicBaseUrl(config.PUBLIC_URL, event.headers ?? {}))),
);
