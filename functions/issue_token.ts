import { issue_token } from '#lib/actions/oauth/issue_token';
import { webHandler } from '#lib/http/web-handler';
import { endpoints } from '#lib/operations';

export const handler = webHandler(endpoints.issue_token, 'json', issue_token);
