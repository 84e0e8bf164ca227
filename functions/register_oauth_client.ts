import { register_oauth_client } from '#lib/actions/oauth/register_oauth_client';
import { webHandler } from '#lib/http/web-handler';
import { endpoints } from '#lib/operations';

export const handler = webHandler(endpoints.register_oauth_client, 'json', register_oauth_client);
