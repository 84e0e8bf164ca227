import type { ToolRunner } from '../catalog/dispatch.ts';
import type { RunTool } from './tool-server.ts';

/**
 * Answers one HTTP request to `/mcp` for the grant's `tools`, in whichever protocol era the
 * client speaks: 2026-07-28 (a per-request `_meta` envelope, `server/discover`, no
 * handshake) or 2025-11-25 / 2025-06-18 (`initialize`, then stateless requests). The
 * official SDK's serving entry classifies the request, checks the envelope and the
 * `MCP-Protocol-Version` / `Mcp-Method` / `Mcp-Name` headers the revision requires, and
 * answers an unknown version with UnsupportedProtocolVersionError. Nothing is kept between
 * requests, so any Lambda instance can answer any of them. The SDK (tool-server.ts) is loaded
 * here, on the first request that speaks the protocol, not at the function's import.
 */
export async function handleMcpRequest(
  request: Request,
  tools: ReadonlyMap<string, ToolRunner>,
  runTool: RunTool,
): Promise<Response> {
  const { serveMcp } = await import('./tool-server.ts');
  return serveMcp(request, tools, runTool);
}
