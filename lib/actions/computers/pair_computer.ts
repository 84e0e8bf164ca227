import { identifyUser } from '../../google/identity.ts';
import type { Action } from '../../http/api-handler.ts';
import { computerInfo } from '../../jobs/computer-info.ts';
import { pairComputer } from '../../jobs/pairing.ts';
import { socketsFor } from '../../jobs/sockets.ts';
import type { operations } from '../../operations.ts';
import { storeFor } from '../../store/table.ts';

/** The signed-in user confirms the code their desktop agent printed. */
export const pair_computer: Action<typeof operations.pair_computer> = async ({ body, credentials, config }) => {
  const user = await identifyUser(credentials, config);
  const computer = await pairComputer(storeFor(config), socketsFor(config), user, body.code, Date.now());
  return {
    // The computer's name is the agent's own words: it stays in data, out of the sentence.
    message: `Paired the computer in data to ${user.email ?? 'this account'}. Apps can now be opened there with launch_app.`,
    data: { ...computerInfo(computer), account: user.email ?? null },
  };
};
