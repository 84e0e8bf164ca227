import { setTimeout as sleep } from 'node:timers/promises';
import { identifyUser } from '#lib/google/identity';
import { type Action, apiHandler } from '#lib/http/api-handler';
import { withStatus } from '#lib/http/response';
import { chooseAgent } from '#lib/jobs/agents';
import { brokerKeys } from '#lib/jobs/broker-key';
import { launchAnswer } from '#lib/jobs/launch-answer';
import { createJob, getJob, isFinished, type JobRecord } from '#lib/jobs/queue';
import { type Store, storeFor } from '#lib/jobs/table';
import { operations } from '#lib/operations';

const CHECK_EVERY_MS = 200;

/** Re-reads the job until its agent has answered or `waitMs` has passed. */
async function awaitOutcome(store: Store, job: JobRecord, waitMs: number): Promise<JobRecord> {
  const deadline = Date.now() + waitMs;
  let latest = job;
  while (!isFinished(latest.status) && Date.now() < deadline) {
    await sleep(Math.min(CHECK_EVERY_MS, Math.max(0, deadline - Date.now())));
    latest = (await getJob(store, job.job_id, Date.now())) ?? latest;
  }
  return latest;
}

/**
 * Queues a signed job for the user's paired computer and waits a
 * few seconds for its agent to say whether the app opened. The cloud never runs anything.
 */
export const run: Action<typeof operations.launch_app> = async ({ body, credentials, config }) => {
  const user = await identifyUser(credentials, config);
  const store = storeFor(config);
  const agent = await chooseAgent(store, user, body.agent);
  const job = await createJob(
    store,
    (await brokerKeys(config)).privateKey,
    { userId: user.id, agentId: agent.agent_id, agentName: agent.name, app: body.app_name, args: body.args ?? [] },
    Date.now(),
  );
  const { settled, body: answer } = launchAnswer(await awaitOutcome(store, job, config.LAUNCH_WAIT_MS));
  return withStatus(settled ? 200 : 202, answer);
};

export const handler = apiHandler(operations.launch_app, run);
