import { webHandler } from '#lib/http/web-handler';
import { storeFor } from '#lib/jobs/store';
import { startAuthorization } from '#lib/oauth/authorize';
import * as operations from '#lib/oauth/operations';
import { brokerUrls } from '#lib/oauth/urls';

/** GET /oauth/authorize: checks the client's request and shows the consent page. */
export const handler = webHandler(operations.authorize, 'page', (request) =>
  startAuthorization(request, storeFor(request.config), brokerUrls(request.config, request.event)),
);
