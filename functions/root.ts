import { apiHandler } from '#lib/http/api-handler';
import { operations, root } from '#lib/operations';

/** GET /: what this service is and where its operations live, as the original answered. */
export const handler = apiHandler(root, async () => ({
  message: 'ChatGPT Backend Broker',
  endpoints: Object.fromEntries(
    operations.map((operation) => [operation.name, `${operation.method} ${operation.path}`]),
  ),
}));
