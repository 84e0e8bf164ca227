import { webHandler } from '#lib/http/web-handler';
import { storeFor } from '#lib/jobs/table';
import { count, METRIC } from '#lib/metrics';
import { tokenEndpoint } from '#lib/oauth/token';
import { endpoints } from '#lib/operations';

/** Authorization code and refresh token grants. */
export const handler = webHandler(endpoints.issue_token, 'json', async (request) => {
  const answer = await tokenEndpoint(request, storeFor(request.config));
  if (request.form.get('grant_type') === 'refresh_token') count(METRIC.mcpRefresh);
  return answer;
});
