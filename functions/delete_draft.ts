import { delete_draft } from '#lib/actions/mail/delete_draft';
import { apiHandler } from '#lib/http/api-handler';
import { operations } from '#lib/operations';

export const handler = apiHandler(operations.delete_draft, delete_draft);
