import { allTools, SCOPES } from '../operations.ts';

/** Tool names, which are also the OAuth scopes a client can ask for (one scope per tool). */
export const toolNames: readonly string[] = allTools.map((operation) => operation.name);

/** The Google scopes a set of granted tools needs, plus the address to know whose grant it is. */
export function googleScopesFor(tools: readonly string[]): string[] {
  const scopes = new Set<string>(['openid', SCOPES.email]);
  for (const operation of allTools) {
    if (tools.includes(operation.name)) for (const scope of operation.scopes) scopes.add(scope);
  }
  return [...scopes];
}
