import { Reply } from '#lib/http/reply';
import { webHandler } from '#lib/http/web-handler';
import { protectedResourceMetadata } from '#lib/oauth/metadata';
import * as operations from '#lib/oauth/operations';
import { brokerUrls } from '#lib/oauth/urls';

/** GET /.well-known/oauth-protected-resource[/mcp]: RFC 9728 metadata of the MCP endpoint. */
export const handler = webHandler(
  operations.protectedResource,
  'json',
  async ({ config, event }) =>
    new Reply(200, protectedResourceMetadata(brokerUrls(config, event)), { 'Cache-Control': 'max-age=3600' }),
);
