import { identifyUser } from '#lib/google/identity';
import { type Action, apiHandler } from '#lib/http/api-handler';
import { computerInfo } from '#lib/jobs/computer-info';
import { listComputers } from '#lib/jobs/pairing';
import { storeFor } from '#lib/jobs/table';
import { operations } from '#lib/operations';

/** The user's paired computers and which one launches go to by default. */
export const run: Action<typeof operations.list_computers> = async ({ credentials, config }) => {
  const user = await identifyUser(credentials, config);
  const computers = await listComputers(storeFor(config), user.id);
  return {
    message: computers.length ? `${computers.length} paired computer(s), listed in data.` : 'No computer is paired.',
    data: { computers: computers.map(computerInfo) },
  };
};

export const handler = apiHandler(operations.list_computers, run);
