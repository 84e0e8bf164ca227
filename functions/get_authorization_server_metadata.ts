import { get_authorization_server_metadata } from '#lib/actions/oauth/metadata';
import { webHandler } from '#lib/http/web-handler';
import { endpoints } from '#lib/operations';

export const handler = webHandler(
  endpoints.get_authorization_server_metadata,
  'json',
  get_authorization_server_metadata,
);
