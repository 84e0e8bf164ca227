import { modify_emails } from '#lib/actions/mail/modify_emails';
import { apiHandler } from '#lib/http/api-handler';
import { operations } from '#lib/operations';

export const handler = apiHandler(operations.modify_emails, modify_emails);
