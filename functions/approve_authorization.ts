import { approve_authorization } from '#lib/actions/oauth/approve_authorization';
import { webHandler } from '#lib/http/web-handler';
import { endpoints } from '#lib/operations';

export const handler = webHandler(endpoints.approve_authorization, 'page', approve_authorization);
