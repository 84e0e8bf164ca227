import { identifyUser } from '../../google/identity.ts';
import type { Action } from '../../http/api-handler.ts';
import { computerInfo } from '../../jobs/computer-info.ts';
import { unpairComputer } from '../../jobs/pairing.ts';
import { socketsFor } from '../../jobs/sockets.ts';
import type { operations } from '../../operations.ts';
import { storeFor } from '../../store/table.ts';

/** Unpairs one of the user's computers: no more launches go there, and its agent is told. */
export const unpair_computer: Action<typeof operations.unpair_computer> = async ({ body, credentials, config }) => {
  const user = await identifyUser(credentials, config);
  const computer = await unpairComputer(storeFor(config), socketsFor(config), user, body.computer);
  return { message: 'Unpaired the computer in data; it receives no more launches.', data: computerInfo(computer) };
};
