import { webHandler } from '#lib/http/web-handler';
import { storeFor } from '#lib/jobs/table';
import { tokenEndpoint } from '#lib/oauth/token';
import { endpoints } from '#lib/operations';

/** Authorization code and refresh token grants. */
export const handler = webHandler(endpoints.issue_token, 'json', (request) =>
  tokenEndpoint(request, storeFor(request.config)),
);
