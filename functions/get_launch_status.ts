import { BrokerError } from '#lib/errors';
import { identifyUser } from '#lib/google/identity';
import { type Action, apiHandler } from '#lib/http/api-handler';
import { withStatus } from '#lib/http/response';
import { launchAnswer } from '#lib/jobs/launch-answer';
import { getJob } from '#lib/jobs/queue';
import { storeFor } from '#lib/jobs/table';
import { operations } from '#lib/operations';

/** Where a launch stands. Only the user who asked may look. */
export const run: Action<typeof operations.get_launch_status> = async ({ body, credentials, config }) => {
  const user = await identifyUser(credentials, config);
  const job = await getJob(storeFor(config), body.job_id, Date.now());
  if (!job || job.user_id !== user.id) throw new BrokerError('not_found', `No launch job ${body.job_id} was found.`);
  const { settled, body: answer } = launchAnswer(job);
  return withStatus(settled ? 200 : 202, answer);
};

export const handler = apiHandler(operations.get_launch_status, run);
