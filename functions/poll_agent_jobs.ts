import { poll_agent_jobs } from '#lib/actions/agents/poll_agent_jobs';
import { apiHandler } from '#lib/http/api-handler';
import { operations } from '#lib/operations';

export const handler = apiHandler(operations.poll_agent_jobs, poll_agent_jobs);
