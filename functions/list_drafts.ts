import { list_drafts } from '#lib/actions/mail/list_drafts';
import { apiHandler } from '#lib/http/api-handler';
import { operations } from '#lib/operations';

export const handler = apiHandler(operations.list_drafts, list_drafts);
