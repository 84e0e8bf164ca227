import { type Action, apiHandler } from '#lib/http/api-handler';
import { signedRequestOf } from '#lib/http/auth';
import { authenticateAgent } from '#lib/jobs/agent-auth';
import { recordResult } from '#lib/jobs/queue';
import { storeFor } from '#lib/jobs/table';
import { operations } from '#lib/operations';

/** Signed by the agent: what happened to a job; the first report wins. */
export const run: Action<typeof operations.report_agent_result> = async ({ body, event, rawBody, config }) => {
  const store = storeFor(config);
  const agent = await authenticateAgent(store, signedRequestOf(event, rawBody), Date.now());
  const accepted = await recordResult(store, agent.agent_id, body, Date.now());
  return { accepted };
};

export const handler = apiHandler(operations.report_agent_result, run);
