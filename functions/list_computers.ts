import { list_computers } from '#lib/actions/computers/list_computers';
import { apiHandler } from '#lib/http/api-handler';
import { operations } from '#lib/operations';

export const handler = apiHandler(operations.list_computers, list_computers);
