import { authorize } from '#lib/actions/oauth/authorize';
import { webHandler } from '#lib/http/web-handler';
import { endpoints } from '#lib/operations';

export const handler = webHandler(endpoints.authorize, 'page', authorize);
