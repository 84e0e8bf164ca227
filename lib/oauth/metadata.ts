import { toolNames } from '../grants/scopes.ts';
import { SERVICE } from '../service.ts';
import { OFFLINE_ACCESS } from './scopes.ts';
import type { BrokerUrls } from './urls.ts';

/** RFC 9728 protected-resource metadata for the MCP endpoint. */
export function protectedResourceMetadata(urls: BrokerUrls) {
  return {
    resource: urls.resource,
    authorization_servers: [urls.issuer],
    bearer_methods_supported: ['header'],
    scopes_supported: [...toolNames],
    resource_name: `${SERVICE} (Gmail and desktop apps)`,
  };
}

/** RFC 8414 authorization-server metadata: code flow with PKCE S256 only, registration and metadata documents. */
export function authorizationServerMetadata(urls: BrokerUrls) {
  return {
    issuer: urls.issuer,
    authorization_endpoint: urls.authorize,
    token_endpoint: urls.token,
    registration_endpoint: urls.register,
    revocation_endpoint: urls.revoke,
    response_types_supported: ['code'],
    response_modes_supported: ['query'],
    grant_types_supported: ['authorization_code', 'refresh_token'],
    code_challenge_methods_supported: ['S256'],
    token_endpoint_auth_methods_supported: ['none', 'client_secret_post', 'client_secret_basic'],
    revocation_endpoint_auth_methods_supported: ['none', 'client_secret_post', 'client_secret_basic'],
    // SEP-2207: offline_access is the authorization server's, never the resource's.
    scopes_supported: [...toolNames, OFFLINE_ACCESS],
    client_id_metadata_document_supported: true,
    authorization_response_iss_parameter_supported: true,
  };
}
