import { identifyUser } from '#lib/google/identity';
import { type Action, apiHandler } from '#lib/http/api-handler';
import { withStatus } from '#lib/http/response';
import { brokerKeys } from '#lib/jobs/broker-key';
import { launchOnAgent } from '#lib/jobs/launch';
import { launchAnswer } from '#lib/jobs/launch-answer';
import { chooseComputer } from '#lib/jobs/pairing';
import { socketsFor } from '#lib/jobs/sockets';
import { storeFor } from '#lib/jobs/table';
import { operations } from '#lib/operations';

/**
 * Pushes a signed job to the user's paired computer and waits a few seconds for its
 * agent to say whether the app opened. The cloud never runs anything.
 */
export const run: Action<typeof operations.launch_app> = async ({ body, credentials, config }) => {
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

export const handler = apiHandler(operations.launch_app, run);
