import { report_agent_result } from '#lib/actions/agents/report_agent_result';
import { apiHandler } from '#lib/http/api-handler';
import { operations } from '#lib/operations';

export const handler = apiHandler(operations.report_agent_result, report_agent_result);
