import { HttpResponse } from '#lib/http/response';
import { webHandler } from '#lib/http/web-handler';
import { storeFor } from '#lib/jobs/table';
import { registerClient } from '#lib/oauth/clients';
import { OAuthError } from '#lib/oauth/errors';
import { endpoints } from '#lib/operations';

function json(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new OAuthError('invalid_client_metadata', 'The registration request must be a JSON object.');
  }
}

/** Dynamic client registration (RFC 7591), counted per source address. */
export const handler = webHandler(
  endpoints.register_oauth_client,
  'json',
  async ({ config, event, text }) =>
    new HttpResponse(
      201,
      await registerClient(storeFor(config), config, json(text), event.requestContext.http.sourceIp),
      { 'Cache-Control': 'no-store' },
    ),
);
