import { setTimeout as sleep } from 'node:timers/promises';
import { type Action, apiHandler } from '#lib/http/api-handler';
import { authenticateAgent } from '#lib/jobs/agent-auth';
import { markPairedNotified, touchAgent } from '#lib/jobs/agents';
import { claimNextJob } from '#lib/jobs/queue';
import { storeFor } from '#lib/jobs/table';
import { operations } from '#lib/operations';

// Checks start quick (a launch is waiting on the answer) and slow down while idle, which
// bounds the DynamoDB reads an idle agent costs (README, "What an idle agent costs").
const FIRST_CHECK_DELAY_MS = 250;
const LONGEST_CHECK_DELAY_MS = 1_000;

/**
 * Signed by the agent: answers at once with a job when one is
 * queued, else holds the request up to POLL_WAIT_MS, checking the queue as it waits.
 */
export const run: Action<typeof operations.poll_agent_jobs> = async ({ event, rawBody, config }) => {
  const store = storeFor(config);
  const agent = await authenticateAgent(store, event, rawBody, Date.now());
  if (!agent.user_id) return { status: 'unpaired' };
  if (!agent.paired_notified) {
    await markPairedNotified(store, agent.agent_id);
    return { status: 'paired' };
  }
  await touchAgent(store, agent, Date.now());
  const deadline = Date.now() + config.POLL_WAIT_MS;
  let delay = FIRST_CHECK_DELAY_MS;
  for (;;) {
    const job = await claimNextJob(store, agent.agent_id, Date.now());
    if (job) return { status: 'job', job };
    const left = deadline - Date.now();
    if (left <= 0) return { status: 'idle' };
    await sleep(Math.min(delay, left));
    delay = Math.min(delay * 2, LONGEST_CHECK_DELAY_MS);
  }
};

export const handler = apiHandler(operations.poll_agent_jobs, run);
