import { account } from '#lib/actions/site/account';
import { webHandler } from '#lib/http/web-handler';
import { endpoints } from '#lib/operations';

export const handler = webHandler(endpoints.account, 'page', account);
