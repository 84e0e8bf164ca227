import type { HttpResponse } from '../../http/response.ts';
import type { WebRequest } from '../../http/web-handler.ts';
import { finishAuthorization } from '../../oauth/authorize.ts';
import { brokerUrls } from '../../oauth/urls.ts';
import { storeFor } from '../../store/table.ts';

/** Google's answer becomes a grant and the client's code. */
export const google_callback = (request: WebRequest): Promise<HttpResponse> =>
  finishAuthorization(request, storeFor(request.config), brokerUrls(request.config, request.event));
