import { webHandler } from '#lib/http/web-handler';
import { storeFor } from '#lib/jobs/store';
import { finishAuthorization } from '#lib/oauth/authorize';
import * as operations from '#lib/oauth/operations';
import { brokerUrls } from '#lib/oauth/urls';

/** GET /oauth/google/callback: Google's answer becomes a grant and the client's code. */
export const handler = webHandler(operations.googleCallback, 'page', (request) =>
  finishAuthorization(request, storeFor(request.config), brokerUrls(request.config, request.event)),
);
