import { DEMO_USER } from '../emulator/demo.ts';
import { parseConfig } from '../lib/config.ts';
import { issueTokens } from '../lib/oauth/token.ts';
import { endpoints } from '../lib/operations.ts';
import { storeFor } from '../lib/store/table.ts';
import { buildHttpEvent } from '../scripts/invoke/event.ts';
import { putBenchGrant } from './mcp-grant.ts';

const MODERN = '2026-07-28';
/** The read tool a cold `mcp` process calls after listing the tools. */
const READ_TOOL = { name: 'get_unread_emails', arguments: { limit: 5 } };

/** One 2026-07-28 request to /mcp as API Gateway delivers it, as the v2 client sends it (no handshake). */
function mcpEvent(token: string, method: string, params: Record<string, unknown>, name?: string): unknown {
  const route = endpoints.mcp.routes[0];
  if (!route) throw new Error('the mcp endpoint has no route');
  const event = buildHttpEvent({
    operation: { name: 'mcp', method: 'POST', path: route.path },
    data: {
      jsonrpc: '2.0',
      id: 1,
      method,
      params: {
        ...params,
        _meta: { 'io.modelcontextprotocol/protocolVersion': MODERN, 'io.modelcontextprotocol/clientCapabilities': {} },
      },
    },
    token,
  });
  Object.assign(event.headers ?? {}, {
    accept: 'application/json, text/event-stream',
    'mcp-protocol-version': MODERN,
    'mcp-method': method,
    ...(name === undefined ? {} : { 'mcp-name': name }),
  });
  return event;
}

/**
 * What a cold `mcp` process answers first, as an MCP client signed in as the demo user asks
 * it: tools/list, then a read tool (get_unread_emails, 5 mails) against the emulator. The
 * grant and its broker token are written to the table directly (the demo user's Google
 * token sealed in it, as /oauth/token does), for the resource the child's PUBLIC_URL names.
 */
export async function mcpFirstRequests(env: NodeJS.ProcessEnv): Promise<unknown[]> {
  const config = parseConfig(env);
  const store = storeFor(config);
  const grant = await putBenchGrant(store, config, {
    userId: 'cold-start-bench-user',
    clientId: 'cold-start-bench',
    clientName: 'Cold start bench',
    resource: `${(config.PUBLIC_URL ?? '').replace(/\/+$/, '')}${endpoints.mcp.routes[0]?.path}`,
    googleRefreshToken: DEMO_USER.refreshToken,
  });
  const google = { accessToken: DEMO_USER.token, refreshToken: undefined, expiresIn: 3_600, scopes: [] };
  const { access_token: token } = await issueTokens(store, config, grant, google);
  return [
    mcpEvent(token, 'tools/list', {}),
    mcpEvent(token, 'tools/call', { name: READ_TOOL.name, arguments: READ_TOOL.arguments }, READ_TOOL.name),
  ];
}
