import type { Action } from '../../http/api-handler.ts';
import { signedRequestOf } from '../../http/auth.ts';
import { authenticateAgent } from '../../jobs/agent-auth.ts';
import { recordResult } from '../../jobs/queue.ts';
import type { operations } from '../../operations.ts';
import { storeFor } from '../../store/table.ts';

/** Signed by the agent: what happened to a job; the first report wins. */
export const report_agent_result: Action<typeof operations.report_agent_result> = async ({
  body,
  event,
  rawBody,
  config,
}) => {
  const store = storeFor(config);
  const agent = await authenticateAgent(store, signedRequestOf(event, rawBody), Date.now());
  const accepted = await recordResult(store, agent.agent_id, body, Date.now());
  return { accepted };
};
