import { BrokerError } from '../../errors.ts';
import { identifyUser } from '../../google/identity.ts';
import type { Action } from '../../http/api-handler.ts';
import { withStatus } from '../../http/response.ts';
import { launchAnswer } from '../../jobs/launch-answer.ts';
import { getJob } from '../../jobs/queue.ts';
import type { operations } from '../../operations.ts';
import { storeFor } from '../../store/table.ts';

/** Where a launch stands. Only the user who asked may look. */
export const get_launch_status: Action<typeof operations.get_launch_status> = async ({ body, credentials, config }) => {
  const user = await identifyUser(credentials, config);
  const job = await getJob(storeFor(config), body.job_id, Date.now());
  if (!job || job.user_id !== user.id) throw new BrokerError('not_found', `No launch job ${body.job_id} was found.`);
  const { settled, body: answer } = launchAnswer(job);
  return withStatus(settled ? 200 : 202, answer);
};
