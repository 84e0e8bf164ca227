import { webHandler } from '#lib/http/web-handler';
import { storeFor } from '#lib/jobs/table';
import { startAuthorization } from '#lib/oauth/authorize';
import { brokerUrls } from '#lib/oauth/urls';
import { endpoints } from '#lib/operations';

/** Checks the client's request and shows the consent page. */
export const handler = webHandler(endpoints.authorize, 'page', (request) =>
  startAuthorization(request, storeFor(request.config), brokerUrls(request.config, request.event)),
);
