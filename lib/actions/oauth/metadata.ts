import { HttpResponse } from '../../http/response.ts';
import type { WebRequest } from '../../http/web-handler.ts';
import { authorizationServerMetadata, protectedResourceMetadata } from '../../oauth/metadata.ts';
import { brokerUrls } from '../../oauth/urls.ts';

/** Clients may keep the metadata for an hour: it changes only with a deployment. */
const CACHED = { 'Cache-Control': 'max-age=3600' };

/** RFC 8414 metadata. */
export const get_authorization_server_metadata = async ({ config, event }: WebRequest): Promise<HttpResponse> =>
  new HttpResponse(200, authorizationServerMetadata(brokerUrls(config, event)), { ...CACHED });

/** RFC 9728 metadata of the MCP endpoint. */
export const get_protected_resource_metadata = async ({ config, event }: WebRequest): Promise<HttpResponse> =>
  new HttpResponse(200, protectedResourceMetadata(brokerUrls(config, event)), { ...CACHED });
