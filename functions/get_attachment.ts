import { get_attachment } from '#lib/actions/mail/get_attachment';
import { apiHandler } from '#lib/http/api-handler';
import { operations } from '#lib/operations';

export const handler = apiHandler(operations.get_attachment, get_attachment);
