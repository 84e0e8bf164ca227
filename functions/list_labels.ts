import { list_labels } from '#lib/actions/mail/list_labels';
import { apiHandler } from '#lib/http/api-handler';
import { operations } from '#lib/operations';

export const handler = apiHandler(operations.list_labels, list_labels);
