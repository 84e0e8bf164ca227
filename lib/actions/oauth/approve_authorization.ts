import type { HttpResponse } from '../../http/response.ts';
import type { WebRequest } from '../../http/web-handler.ts';
import { decideAuthorization } from '../../oauth/authorize.ts';
import { brokerUrls } from '../../oauth/urls.ts';
import { storeFor } from '../../store/table.ts';

/** The consent page's answer; approval goes on to Google. */
export const approve_authorization = (request: WebRequest): Promise<HttpResponse> =>
  decideAuthorization(request, storeFor(request.config), brokerUrls(request.config, request.event));
