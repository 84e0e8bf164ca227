import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { Config } from '../config.ts';

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
    resource: `${issuer}/mcp`,
    resourceMetadata: `${issuer}/.well-known/oauth-protected-resource/mcp`,
    authorize: `${issuer}/oauth/authorize`,
    token: `${issuer}/oauth/token`,
    register: `${issuer}/oauth/register`,
    revoke: `${issuer}/oauth/revoke`,
    googleCallback: `${issuer}/oauth/google/callback`,
  };
}
