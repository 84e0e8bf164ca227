import { identifyUser } from '#lib/google/identity';
import { type Action, apiHandler } from '#lib/http/api-handler';
import { computerInfo } from '#lib/jobs/computer-info';
import { unpairComputer } from '#lib/jobs/pairing';
import { socketsFor } from '#lib/jobs/sockets';
import { storeFor } from '#lib/jobs/table';
import { operations } from '#lib/operations';

/** Unpairs one of the user's computers: no more launches go there, and its agent is told. */
export const run: Action<typeof operations.unpair_computer> = async ({ body, credentials, config }) => {
  const user = await identifyUser(credentials, config);
  const computer = await unpairComputer(storeFor(config), socketsFor(config), user, body.computer);
  return { message: 'Unpaired the computer in data; it receives no more launches.', data: computerInfo(computer) };
};

export const handler = apiHandler(operations.unpair_computer, run);
