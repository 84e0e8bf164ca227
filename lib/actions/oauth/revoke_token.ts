import type { HttpResponse } from '../../http/response.ts';
import type { WebRequest } from '../../http/web-handler.ts';
import { revokeEndpoint } from '../../oauth/token.ts';
import { storeFor } from '../../store/table.ts';

/** Ends the grant behind a token (RFC 7009). */
export const revoke_token = (request: WebRequest): Promise<HttpResponse> =>
  revokeEndpoint(request, storeFor(request.config));
