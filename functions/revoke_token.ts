import { webHandler } from '#lib/http/web-handler';
import { storeFor } from '#lib/jobs/table';
import { revokeEndpoint } from '#lib/oauth/token';
import { endpoints } from '#lib/operations';

/** Ends the grant behind a token (RFC 7009). */
export const handler = webHandler(endpoints.revoke_token, 'json', (request) =>
  revokeEndpoint(request, storeFor(request.config)),
);
