import { webHandler } from '#lib/http/web-handler';
import { storeFor } from '#lib/jobs/store';
import * as operations from '#lib/oauth/operations';
import { revokeEndpoint } from '#lib/oauth/token';

/** POST /oauth/revoke: ends the grant behind a token (RFC 7009). */
export const handler = webHandler(operations.revoke, 'json', (request) =>
  revokeEndpoint(request, storeFor(request.config)),
);
