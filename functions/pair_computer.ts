import { pair_computer } from '#lib/actions/computers/pair_computer';
import { apiHandler } from '#lib/http/api-handler';
import { operations } from '#lib/operations';

export const handler = apiHandler(operations.pair_computer, pair_computer);
