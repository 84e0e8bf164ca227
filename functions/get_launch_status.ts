import { get_launch_status } from '#lib/actions/computers/get_launch_status';
import { apiHandler } from '#lib/http/api-handler';
import { operations } from '#lib/operations';

export const handler = apiHandler(operations.get_launch_status, get_launch_status);
