import { webHandler } from '#lib/http/web-handler';
import { storeFor } from '#lib/jobs/store';
import * as operations from '#lib/oauth/operations';
import { tokenEndpoint } from '#lib/oauth/token';

/** POST /oauth/token: authorization code and refresh token grants. */
export const handler = webHandler(operations.token, 'json', (request) =>
  tokenEndpoint(request, storeFor(request.config)),
);
