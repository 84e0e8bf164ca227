import { buildOpenApiDocument, publicBaseUrl } from '#lib/chatgpt/openapi';
import { apiHandler } from '#lib/http/api-handler';
import { Reply } from '#lib/http/reply';
import { operations } from '#lib/operations';

/** GET /openapi.json: the OpenAPI 3.1 document a custom GPT imports as its Actions. */
export const handler = apiHandler(
  operations.get_openapi_document,
  async ({ event, config }) =>
    new Reply(200, buildOpenApiDocument(publicBaseUrl(config.PUBLIC_URL, event.headers ?? {}))),
);
