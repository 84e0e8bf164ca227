import { HttpResponse } from '#lib/http/response';
import { webHandler } from '#lib/http/web-handler';
import { protectedResourceMetadata } from '#lib/oauth/metadata';
import { brokerUrls } from '#lib/oauth/urls';
import { endpoints } from '#lib/operations';

/** RFC 9728 metadata of the MCP endpoint. */
export const handler = webHandler(
  endpoints.get_protected_resource_metadata,
  'json',
  async ({ config, event }) =>
    new HttpResponse(200, protectedResourceMetadata(brokerUrls(config, event)), { 'Cache-Control': 'max-age=3600' }),
);
