import { publicBaseUrl } from '#lib/chatgpt/openapi';
import { apiHandler } from '#lib/http/api-handler';
import { prefersHtml } from '#lib/http/negotiate';
import { HttpResponse } from '#lib/http/response';
import { PAGE_HEADERS } from '#lib/oauth/pages';
import { allOperations, operations } from '#lib/operations';
import { renderFrontDoor } from '#lib/pages/front-door';

// Caches must keep the page and the JSON apart: the same URL answers both.
const VARY = { Vary: 'Accept' };

/** The front door: a page for a browser, and for a program the JSON the original answered. */
export const handler = apiHandler(operations.service_info, async ({ event, config }) => {
  const headers = event.headers ?? {};
  if (prefersHtml(headers.accept ?? headers.Accept)) {
    return new HttpResponse(200, renderFrontDoor(publicBaseUrl(config.PUBLIC_URL, headers)), {
      ...PAGE_HEADERS,
      ...VARY,
    });
  }
  return new HttpResponse(
    200,
    {
      success: true,
      message: 'ChatGPT Backend Broker',
      endpoints: Object.fromEntries(
        allOperations.map((operation) => [operation.name, `${operation.method} ${operation.path}`]),
      ),
    },
    VARY,
  );
});
