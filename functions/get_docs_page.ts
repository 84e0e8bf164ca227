import { get_docs_page } from '#lib/actions/site/get_docs_page';
import { apiHandler } from '#lib/http/api-handler';
import { operations } from '#lib/operations';

export const handler = apiHandler(operations.get_docs_page, get_docs_page);
