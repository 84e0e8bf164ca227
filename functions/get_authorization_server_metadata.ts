import { Reply } from '#lib/http/reply';
import { webHandler } from '#lib/http/web-handler';
import { authorizationServerMetadata } from '#lib/oauth/metadata';
import * as operations from '#lib/oauth/operations';
import { brokerUrls } from '#lib/oauth/urls';

/** GET /.well-known/oauth-authorization-server: RFC 8414 metadata. */
export const handler = webHandler(
  operations.authorizationServer,
  'json',
  async ({ config, event }) =>
    new Reply(200, authorizationServerMetadata(brokerUrls(config, event)), { 'Cache-Control': 'max-age=3600' }),
);
