import { send_draft } from '#lib/actions/mail/send_draft';
import { apiHandler } from '#lib/http/api-handler';
import { operations } from '#lib/operations';

export const handler = apiHandler(operations.send_draft, send_draft);
