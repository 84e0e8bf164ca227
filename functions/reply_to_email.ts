import { reply_to_email } from '#lib/actions/mail/reply_to_email';
import { apiHandler } from '#lib/http/api-handler';
import { operations } from '#lib/operations';

export const handler = apiHandler(operations.reply_to_email, reply_to_email);
