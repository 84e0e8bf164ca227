import { buildOpenApiDocument, publicBaseUrl } from '../../catalog/openapi.ts';
import type { Action } from '../../http/api-handler.ts';
import { HttpResponse } from '../../http/response.ts';
import type { operations } from '../../operations.ts';

/** The OpenAPI 3.1 document a custom GPT imports as its Actions. */
export const get_openapi_document: Action<typeof operations.get_openapi_document> = async ({ event, config }) =>
  new HttpResponse(200, buildOpenApiDocument(publicBaseUrl(config.PUBLIC_URL, event.headers ?? {})));
