import type { HttpResponse } from '../../http/response.ts';
import type { WebRequest } from '../../http/web-handler.ts';
import { startAuthorization } from '../../oauth/authorize.ts';
import { brokerUrls } from '../../oauth/urls.ts';
import { storeFor } from '../../store/table.ts';

/** Checks the client's request and shows the consent page. */
export const authorize = (request: WebRequest): Promise<HttpResponse> =>
  startAuthorization(request, storeFor(request.config), brokerUrls(request.config, request.event));
