import { webHandler } from '#lib/http/web-handler';
import { storeFor } from '#lib/jobs/store';
import { decideAuthorization } from '#lib/oauth/authorize';
import * as operations from '#lib/oauth/operations';
import { brokerUrls } from '#lib/oauth/urls';

/** POST /oauth/authorize: the consent page's answer; approval goes on to Google. */
export const handler = webHandler(operations.approve, 'page', (request) =>
  decideAuthorization(request, storeFor(request.config), brokerUrls(request.config, request.event)),
);
