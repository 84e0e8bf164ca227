import { get_openapi_document } from '#lib/actions/chatgpt/get_openapi_document';
import { apiHandler } from '#lib/http/api-handler';
import { operations } from '#lib/operations';

export const handler = apiHandler(operations.get_openapi_document, get_openapi_document);
