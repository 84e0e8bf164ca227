import { HttpResponse } from '#lib/http/response';
import { webHandler } from '#lib/http/web-handler';
import { authorizationServerMetadata } from '#lib/oauth/metadata';
import { brokerUrls } from '#lib/oauth/urls';
import { endpoints } from '#lib/operations';

/** RFC 8414 metadata. */
export const handler = webHandler(
  endpoints.get_authorization_server_metadata,
  'json',
  async ({ config, event }) =>
    new HttpResponse(200, authorizationServerMetadata(brokerUrls(config, event)), { 'Cache-Control': 'max-age=3600' }),
);
