import { describe, expect, it } from 'vitest';
import { allFunctions, operations } from '#lib/operations';
import { schemaSetsBuilt } from '#lib/schemas/built';

// This file's own module graph (vitest isolates each file): nothing else has built a schema yet.
describe("the registry's schemas", () => {
  it('are not built by loading and completing the registry, only by reading one', () => {
    expect(allFunctions.length).toBeGreaterThan(30);
    expect(schemaSetsBuilt()).toEqual([]);

    const request = operations.list_computers.request;
    expect(schemaSetsBuilt()).toEqual(['apps']);
    // Built once: the same schema on every read, through the completed entry too.
    expect(operations.list_computers.request).toBe(request);

    expect(operations.send_email.request.safeParse({ to: 'a@example.com', subject: 's', body: 'b' }).success).toBe(
      true,
    );
    expect([...schemaSetsBuilt()].sort()).toEqual(['apps', 'common', 'email', 'files']);
  });

  it('keep the getters of a tool runner (call_tool, mcp) that gets every tool on top of its own', () => {
    expect(Object.getOwnPropertyDescriptor(operations.call_tool, 'request')?.get).toBeTypeOf('function');
    expect(operations.call_tool.scopes).toEqual(expect.arrayContaining([...operations.send_email.scopes]));
  });

  it("answer invalid input in zod's English messages (zod/mini ships none: it would say only 'Invalid input')", () => {
    const result = operations.send_email.request.safeParse({ to: 'a@example.com', subject: 'x'.repeat(999), body: 1 });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => [issue.path.join('.'), issue.message])).toEqual([
      ['subject', 'Too big: expected string to have <=998 characters'],
      ['body', 'Invalid input: expected string, received number'],
    ]);
    const limit = operations.search_emails.request.safeParse({ limit: 1.5 });
    expect(limit.error?.issues[0]?.message).toBe('Invalid input: expected int, received number');
  });
});
