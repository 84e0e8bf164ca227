import { unpair_computer } from '#lib/actions/computers/unpair_computer';
import { apiHandler } from '#lib/http/api-handler';
import { operations } from '#lib/operations';

export const handler = apiHandler(operations.unpair_computer, unpair_computer);
