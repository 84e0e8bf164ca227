import { expect, vi } from 'vitest';
import { type ApiAnswer, get } from './api.ts';

/**
 * What a launch came to, on any machine: the settled `{success, message, data}` answer.
 * launch_app answers 200 once the agent reports within LAUNCH_WAIT_MS, and 202 pending if
 * it has not yet (a loaded machine can take longer); from a 202 the job's status is read
 * until the agent's report lands. Tests assert on what happened, never on how fast it
 * happened (`npm run bench` measures that).
 */
export async function launchOutcome(answer: ApiAnswer, token: string): Promise<any> {
  expect([200, 202], JSON.stringify(answer.json)).toContain(answer.status);
  if (answer.status === 200) return answer.json;
  const jobId = answer.json.data.job_id;
  return vi.waitFor(
    async () => {
      const status = await get(`/api/app/jobs/${jobId}`, { token });
      expect(status.status, JSON.stringify(status.json)).toBe(200);
      return status.json;
    },
    { timeout: 20_000, interval: 100 },
  );
}
