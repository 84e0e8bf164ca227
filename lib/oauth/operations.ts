import type { Operation } from '../operations.ts';

// TEMPORARY until the registry redesign lands: then these are registry entries.
const web = (spec: Pick<Operation, 'name' | 'method' | 'path' | 'summary' | 'description'>): Operation => ({
  ...spec,
  auth: 'none',
  scopes: [],
  consequential: false,
  tool: false,
});

export const mcp = web({
  name: 'mcp',
  method: 'POST',
  path: '/mcp',
  summary:
    'The MCP endpoint (Streamable HTTP, stateless, JSON answers) for ChatGPT apps, Claude and other MCP clients.',
  description: 'Serves the tool operations over MCP to clients holding an access token this broker issued.',
});
export const protectedResource = web({
  name: 'get_protected_resource_metadata',
  method: 'GET',
  path: '/.well-known/oauth-protected-resource',
  summary: 'RFC 9728 metadata of the MCP endpoint: which authorization server protects it.',
  description: 'Also served at /.well-known/oauth-protected-resource/mcp.',
});
export const authorizationServer = web({
  name: 'get_authorization_server_metadata',
  method: 'GET',
  path: '/.well-known/oauth-authorization-server',
  summary: "RFC 8414 metadata of the broker's authorization server.",
  description: 'Endpoints, PKCE S256, registration and client ID metadata document support.',
});
export const registerClient = web({
  name: 'register_oauth_client',
  method: 'POST',
  path: '/oauth/register',
  summary: 'Dynamic client registration (RFC 7591) for MCP clients.',
  description: 'Registers redirect URIs and a name; answers a client id (and a secret for confidential clients).',
});
export const authorize = web({
  name: 'authorize',
  method: 'GET',
  path: '/oauth/authorize',
  summary: 'Starts an authorization: checks the client and shows the consent page.',
  description: 'OAuth 2.1 authorization endpoint (code flow, PKCE S256, resource indicator).',
});
export const approve = web({
  name: 'approve_authorization',
  method: 'POST',
  path: '/oauth/authorize',
  summary: "The consent page's answer: on approval, on to Google's sign-in.",
  description: 'Accepts the request id and the decision from the consent form of the same browser.',
});
export const googleCallback = web({
  name: 'google_callback',
  method: 'GET',
  path: '/oauth/google/callback',
  summary: "Google's redirect back after sign-in: stores the grant and returns the client its code.",
  description: "Exchanges Google's code, seals the refresh token and redirects to the client with a one-time code.",
});
export const token = web({
  name: 'issue_token',
  method: 'POST',
  path: '/oauth/token',
  summary: 'OAuth token endpoint: authorization code and refresh token grants.',
  description: 'Issues short-lived access tokens bound to the MCP resource and rotating refresh tokens.',
});
export const revoke = web({
  name: 'revoke_token',
  method: 'POST',
  path: '/oauth/revoke',
  summary: 'OAuth token revocation (RFC 7009): ends the grant behind the token.',
  description: 'Deletes the grant and its sealed Google refresh token, and asks Google to revoke it.',
});
