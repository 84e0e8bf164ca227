import { google_callback } from '#lib/actions/oauth/google_callback';
import { webHandler } from '#lib/http/web-handler';
import { endpoints } from '#lib/operations';

export const handler = webHandler(endpoints.google_callback, 'page', google_callback);
