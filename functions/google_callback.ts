import { webHandler } from '#lib/http/web-handler';
import { storeFor } from '#lib/jobs/table';
import { finishAuthorization } from '#lib/oauth/authorize';
import { brokerUrls } from '#lib/oauth/urls';
import { endpoints } from '#lib/operations';

/** Google's answer becomes a grant and the client's code. */
export const handler = webHandler(endpoints.google_callback, 'page', (request) =>
  finishAuthorization(request, storeFor(request.config), brokerUrls(request.config, request.event)),
);
