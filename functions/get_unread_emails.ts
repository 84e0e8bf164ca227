import { get_unread_emails } from '#lib/actions/mail/get_unread_emails';
import { apiHandler } from '#lib/http/api-handler';
import { operations } from '#lib/operations';

export const handler = apiHandler(operations.get_unread_emails, get_unread_emails);
