import { publicBaseUrl } from '../../catalog/openapi.ts';
import type { Action } from '../../http/api-handler.ts';
import { prefersHtml } from '../../http/negotiate.ts';
import { HttpResponse } from '../../http/response.ts';
import { allOperations, type operations } from '../../operations.ts';
import { renderFrontDoor } from '../../pages/front-door.ts';
import { PAGE_HEADERS } from '../../web/page.ts';

// Caches must keep the page and the JSON apart: the same URL answers both.
const VARY = { Vary: 'Accept' };

/** The front door: a page for a browser, and for a program the JSON the original answered. */
export const service_info: Action<typeof operations.service_info> = async ({ event, config }) => {
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
};
