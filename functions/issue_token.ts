import { webHandler } from '#lib/http/web-handler';
import { storeFor } from '#lib/jobs/store';
import * as operations from '#lib/oauth/operations';
import { tokenEndpoint } from '#lib/oauth/token';
import { brokerUrls } from '#lib/oauth/urls';

/** POST /oauth/token: authorization code and refresh token grants. */
export const handler = webHandler(operations.token, 'json', (request) =>
  tokenEndpoint(request, storeFor(request.config), brokerUrls(request.config, request.event)),
);
