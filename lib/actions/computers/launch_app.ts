import { identifyUser } from '../../google/identity.ts';
import type { Action } from '../../http/api-handler.ts';
import { withStatus } from '../../http/response.ts';
import { brokerKeys } from '../../jobs/broker-key.ts';
import { launchOnAgent } from '../../jobs/launch.ts';
import { launchAnswer } from '../../jobs/launch-answer.ts';
import { chooseComputer } from '../../jobs/pairing.ts';
import { socketsFor } from '../../jobs/sockets.ts';
import type { operations } from '../../operations.ts';
import { storeFor } from '../../store/table.ts';

/**
 * Pushes a signed job to the user's paired computer and waits a few seconds for its
 * agent to say whether the app opened. The cloud never runs anything.
 */
export const launch_app: Action<typeof operations.launch_app> = async ({ body, credentials, config }) => {
  const user = await identifyUser(credentials, config);
  const store = storeFor(config);
  const agent = await chooseComputer(store, user, body.agent);
  const job = await launchOnAgent(
    store,
    socketsFor(config),
    (await brokerKeys(config)).privateKey,
    { userId: user.id, agentId: agent.agent_id, agentName: agent.name, app: body.app_name, args: body.args ?? [] },
    config.LAUNCH_WAIT_MS,
  );
  const { settled, body: answer } = launchAnswer(job);
  return withStatus(settled ? 200 : 202, answer);
};
