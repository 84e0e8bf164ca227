import { toolNames } from '../grants/scopes.ts';

/**
 * The scope a client asks for to get refresh tokens (SEP-2207, from OpenID Connect): an
 * authorization-server concern, so it is in the authorization server's `scopes_supported`
 * and never in the protected resource's.
 */
export const OFFLINE_ACCESS = 'offline_access';

/**
 * What a `scope` parameter asks for: the tools it names (one scope per tool; naming none,
 * as ChatGPT's `scope=` does, means every tool) and whether it asks for offline access.
 * Unknown scopes are ignored; `tools` is empty only when every scope named was unknown.
 */
export function parseScope(scope: string | null | undefined): { tools: string[]; offline: boolean } {
  const asked = (scope ?? '').split(' ').filter(Boolean);
  const offline = asked.includes(OFFLINE_ACCESS);
  const rest = asked.filter((name) => name !== OFFLINE_ACCESS);
  const tools = rest.length === 0 ? [...toolNames] : toolNames.filter((name) => rest.includes(name));
  return { tools, offline };
}
