import { webHandler } from '#lib/http/web-handler';
import { storeFor } from '#lib/jobs/table';
import { decideAuthorization } from '#lib/oauth/authorize';
import { brokerUrls } from '#lib/oauth/urls';
import { endpoints } from '#lib/operations';

/** The consent page's answer; approval goes on to Google. */
export const handler = webHandler(endpoints.approve_authorization, 'page', (request) =>
  decideAuthorization(request, storeFor(request.config), brokerUrls(request.config, request.event)),
);
