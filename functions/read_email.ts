import { read_email } from '#lib/actions/mail/read_email';
import { apiHandler } from '#lib/http/api-handler';
import { operations } from '#lib/operations';

export const handler = apiHandler(operations.read_email, read_email);
