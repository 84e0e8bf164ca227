import { identifyUser } from '#lib/google/identity';
import { type Action, apiHandler } from '#lib/http/api-handler';
import { pairAgent } from '#lib/jobs/agents';
import { storeFor } from '#lib/jobs/table';
import { operations } from '#lib/operations';

/** The signed-in user confirms the code their desktop agent printed. */
export const run: Action<typeof operations.pair_computer> = async ({ body, credentials, config }) => {
  const user = await identifyUser(credentials, config);
  const agent = await pairAgent(storeFor(config), user, body.code, Date.now());
  return {
    message: `Paired "${agent.name}" (${agent.platform}). Apps can now be opened there with launch_app.`,
    data: { agent_id: agent.agent_id, name: agent.name, platform: agent.platform },
  };
};

export const handler = apiHandler(operations.pair_computer, run);
