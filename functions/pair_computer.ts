import { identifyUser } from '#lib/google/identity';
import { type Action, apiHandler } from '#lib/http/api-handler';
import { computerInfo } from '#lib/jobs/computer-info';
import { pairComputer } from '#lib/jobs/pairing';
import { socketsFor } from '#lib/jobs/sockets';
import { storeFor } from '#lib/jobs/table';
import { operations } from '#lib/operations';

/** The signed-in user confirms the code their desktop agent printed. */
export const run: Action<typeof operations.pair_computer> = async ({ body, credentials, config }) => {
  const user = await identifyUser(credentials, config);
  const computer = await pairComputer(storeFor(config), socketsFor(config), user, body.code, Date.now());
  return {
    // The computer's name is the agent's own words: it stays in data, out of the sentence.
    message: `Paired the computer in data to ${user.email ?? 'this account'}. Apps can now be opened there with launch_app.`,
    data: { ...computerInfo(computer), account: user.email ?? null },
  };
};

export const handler = apiHandler(operations.pair_computer, run);
