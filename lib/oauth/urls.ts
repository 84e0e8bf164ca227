import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { Config } from '../config.ts';
import { endpoints } from '../operations.ts';

/** An endpoint's path as the registry declares it (its first route; the last for the path-suffixed metadata). */
const path = (endpoint: { routes: readonly { path: string }[] }, which: 'first' | 'last' = 'first'): string =>
  (which === 'first' ? endpoint.routes[0] : endpoint.routes.at(-1))?.path ?? '';

/**
 * The broker's public addresses as the OAuth documents name them. `PUBLIC_URL` wins; on
 * AWS without it, the API's own domain from the request.
 */
export interface BrokerUrls {
  /** The authorization server's issuer: the origin, no trailing slash (RFC 8414). */
  issuer: string;
  /** The MCP endpoint, which is also the resource tokens are bound to (RFC 8707). */
  resource: string;
  resourceMetadata: string;
  authorize: string;
  token: string;
  register: string;
  revoke: string;
  googleCallback: string;
}

/** The broker's URLs for this deployment. */
export function brokerUrls(config: Config, event: Pick<APIGatewayProxyEventV2, 'requestContext'>): BrokerUrls {
  const base = config.PUBLIC_URL ?? `https://${event.requestContext.domainName}/`;
  const issuer = base.replace(/\/+$/, '');
  return {
    issuer,
    resource: `${issuer}${path(endpoints.mcp)}`,
    resourceMetadata: `${issuer}${path(endpoints.get_protected_resource_metadata, 'last')}`,
    authorize: `${issuer}${path(endpoints.authorize)}`,
    token: `${issuer}${path(endpoints.issue_token)}`,
    register: `${issuer}${path(endpoints.register_oauth_client)}`,
    revoke: `${issuer}${path(endpoints.revoke_token)}`,
    googleCallback: `${issuer}${path(endpoints.google_callback)}`,
  };
}
