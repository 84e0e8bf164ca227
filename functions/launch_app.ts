import { launch_app } from '#lib/actions/computers/launch_app';
import { apiHandler } from '#lib/http/api-handler';
import { operations } from '#lib/operations';

export const handler = apiHandler(operations.launch_app, launch_app);
