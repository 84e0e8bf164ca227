import { create_draft } from '#lib/actions/mail/create_draft';
import { apiHandler } from '#lib/http/api-handler';
import { operations } from '#lib/operations';

export const handler = apiHandler(operations.create_draft, create_draft);
