import { search_emails } from '#lib/actions/mail/search_emails';
import { apiHandler } from '#lib/http/api-handler';
import { operations } from '#lib/operations';

export const handler = apiHandler(operations.search_emails, search_emails);
