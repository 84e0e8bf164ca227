import { revoke_token } from '#lib/actions/oauth/revoke_token';
import { webHandler } from '#lib/http/web-handler';
import { endpoints } from '#lib/operations';

export const handler = webHandler(endpoints.revoke_token, 'json', revoke_token);
