import type { HttpResponse } from '../../http/response.ts';
import type { WebRequest } from '../../http/web-handler.ts';
import { count, METRIC } from '../../metrics.ts';
import { tokenEndpoint } from '../../oauth/token.ts';
import { storeFor } from '../../store/table.ts';

/** Authorization code and refresh token grants. */
export async function issue_token(request: WebRequest): Promise<HttpResponse> {
  const answer = await tokenEndpoint(request, storeFor(request.config));
  if (request.form.get('grant_type') === 'refresh_token') count(METRIC.mcpRefresh);
  return answer;
}
