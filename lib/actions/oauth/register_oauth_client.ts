import { HttpResponse } from '../../http/response.ts';
import type { WebRequest } from '../../http/web-handler.ts';
import { registerClient } from '../../oauth/clients.ts';
import { OAuthError } from '../../oauth/errors.ts';
import { storeFor } from '../../store/table.ts';

function json(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new OAuthError('invalid_client_metadata', 'The registration request must be a JSON object.');
  }
}

/** Dynamic client registration (RFC 7591), counted per source address. */
export const register_oauth_client = async ({ config, event, text }: WebRequest): Promise<HttpResponse> =>
  new HttpResponse(
    201,
    await registerClient(storeFor(config), config, json(text), event.requestContext.http.sourceIp),
    {
      'Cache-Control': 'no-store',
    },
  );
