import { apiHandler } from '#lib/http/api-handler';
import { allOperations, operations } from '#lib/operations';

/** What this service is and where its operations live, as the original answered. */
export const handler = apiHandler(operations.service_info, async () => ({
  message: 'ChatGPT Backend Broker',
  endpoints: Object.fromEntries(
    allOperations.map((operation) => [operation.name, `${operation.method} ${operation.path}`]),
  ),
}));
