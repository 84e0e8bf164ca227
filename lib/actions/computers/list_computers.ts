import { identifyUser } from '../../google/identity.ts';
import type { Action } from '../../http/api-handler.ts';
import { computerInfo } from '../../jobs/computer-info.ts';
import { listComputers } from '../../jobs/pairing.ts';
import type { operations } from '../../operations.ts';
import { storeFor } from '../../store/table.ts';

/** The user's paired computers and which one launches go to by default. */
export const list_computers: Action<typeof operations.list_computers> = async ({ credentials, config }) => {
  const user = await identifyUser(credentials, config);
  const computers = await listComputers(storeFor(config), user.id);
  return {
    message: computers.length ? `${computers.length} paired computer(s), listed in data.` : 'No computer is paired.',
    data: { computers: computers.map(computerInfo) },
  };
};
