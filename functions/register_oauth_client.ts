import { Reply } from '#lib/http/reply';
import { webHandler } from '#lib/http/web-handler';
import { storeFor } from '#lib/jobs/store';
import { registerClient } from '#lib/oauth/clients';
import { OAuthError } from '#lib/oauth/errors';
import * as operations from '#lib/oauth/operations';

function json(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new OAuthError('invalid_client_metadata', 'The registration request must be a JSON object.');
  }
}

/** POST /oauth/register: dynamic client registration (RFC 7591). */
export const handler = webHandler(
  operations.registerClient,
  'json',
  async ({ config, text }) =>
    new Reply(201, await registerClient(storeFor(config), json(text)), { 'Cache-Control': 'no-store' }),
);
