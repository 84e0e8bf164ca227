import { describe, expect, it } from 'vitest';
import { googleScopesFor, mcpTool, toolNames } from '#lib/mcp/catalog';
import { allOperations, allTools, SCOPES } from '#lib/operations';

describe('the MCP tool catalog', () => {
  it('offers exactly the registry tool operations, each with all four hints and object schemas', () => {
    expect(toolNames).toEqual(allOperations.filter((operation) => operation.tool).map((operation) => operation.name));
    for (const operation of allTools) {
      const tool = mcpTool(operation);
      expect(tool.inputSchema.type).toBe('object');
      expect(tool.outputSchema?.type).toBe('object');
      for (const hint of ['readOnlyHint', 'destructiveHint', 'openWorldHint', 'idempotentHint'] as const) {
        expect(typeof tool.annotations[hint], `${operation.name}.${hint}`).toBe('boolean');
      }
      // A read-only tool cannot also be destructive.
      if (tool.annotations.readOnlyHint) expect(tool.annotations.destructiveHint).toBe(false);
    }
  });

  it('asks Google only for the scopes the granted tools need, plus who the user is', () => {
    expect(googleScopesFor(['get_unread_emails']).sort()).toEqual(['openid', SCOPES.email, SCOPES.read].sort());
    expect(googleScopesFor(['send_email'])).not.toContain(SCOPES.read);
  });
});
