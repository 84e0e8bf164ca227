import { service_info } from '#lib/actions/site/service_info';
import { apiHandler } from '#lib/http/api-handler';
import { operations } from '#lib/operations';

export const handler = apiHandler(operations.service_info, service_info);
