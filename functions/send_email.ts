import { send_email } from '#lib/actions/mail/send_email';
import { apiHandler } from '#lib/http/api-handler';
import { operations } from '#lib/operations';

export const handler = apiHandler(operations.send_email, send_email);
