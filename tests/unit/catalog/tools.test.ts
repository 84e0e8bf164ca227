import { describe, expect, it } from 'vitest';
import { inputJsonSchema } from '#lib/catalog/json-schema';
import { clip, MAX_TOOL_DESCRIPTION, toolDefinitions } from '#lib/catalog/tools';
import { allOperations, operations } from '#lib/operations';
import type * as z from '#lib/zod';
import { handler } from '../../../functions/get_tool_definitions.ts';
import { buildHttpEvent } from '../../../scripts/invoke/event.ts';
import { admitsNull, propertyNames, runHandler, strictModeProblems, TOOL_NAME } from './support.ts';

const toolOperations = allOperations.filter((operation) => operation.tool);
const { tools, functions } = toolDefinitions();

describe('tool definitions', () => {
  it('offer exactly the operations marked as tools, in registry order, in both forms', () => {
    expect(tools.map((tool) => tool.name)).toEqual(toolOperations.map((operation) => operation.name));
    expect(functions.map((fn) => fn.name)).toEqual(toolOperations.map((operation) => operation.name));
    expect(toolOperations.length).toBeGreaterThan(0);
  });

  it.each(tools.map((tool) => [tool.name, tool] as const))('%s passes every strict-mode rule', (_, tool) => {
    expect(tool.type).toBe('function');
    expect(tool.strict).toBe(true);
    expect(tool.name).toMatch(TOOL_NAME);
    expect(strictModeProblems(tool.parameters)).toEqual([]);
    expect(tool.description.length).toBeGreaterThan(20);
    expect(tool.description.length).toBeLessThanOrEqual(MAX_TOOL_DESCRIPTION);
  });

  it.each(toolOperations.map((operation) => [operation.name, operation] as const))(
    '%s: every field a caller may omit is nullable, and a call sending null for all of them passes the request schema',
    (name, operation) => {
      const plain = inputJsonSchema(operation.request as z.ZodMiniType);
      const strict = tools.find((tool) => tool.name === name)?.parameters as Record<string, any>;
      const optional = Object.keys(plain.properties as object).filter(
        (field) => !(plain.required as string[] | undefined)?.includes(field),
      );
      for (const field of optional) expect(admitsNull(strict.properties[field]), field).toBe(true);
      const shape = (operation.request as z.ZodMiniObject<Record<string, z.ZodMiniType>>).shape;
      for (const field of optional) expect(shape[field]?.safeParse(null).success, field).toBe(true);
    },
  );

  it('never take the token as a parameter', () => {
    const names = [...propertyNames(tools), ...propertyNames(functions)];
    expect(names.length).toBeGreaterThan(0);
    for (const forbidden of ['user_credentials', 'access_token', 'refresh_token', 'token', 'authorization']) {
      expect(names).not.toContain(forbidden);
    }
  });

  it('keep the original list form plain: optional fields are left out of required, no strict flag', () => {
    const unread = functions.find((fn) => fn.name === 'get_unread_emails');
    expect(unread).toBeDefined();
    expect(unread?.parameters.required).toBeUndefined();
    expect(unread?.parameters.$schema).toBeUndefined();
    expect(unread).not.toHaveProperty('strict');
  });

  it('describe each tool with its summary first', () => {
    for (const operation of toolOperations) {
      expect(tools.find((tool) => tool.name === operation.name)?.description.startsWith(operation.summary)).toBe(true);
    }
  });
});

describe('clip', () => {
  it('leaves short text alone and cuts long text at a word, within the limit', () => {
    expect(clip('short', 10)).toBe('short');
    const long = 'word '.repeat(100);
    const cut = clip(long, 50);
    expect(cut.length).toBeLessThanOrEqual(50);
    expect(cut.endsWith('…')).toBe(true);
  });
});

describe('GET /api/chatgpt/functions', () => {
  it('answers both forms in the success envelope, without a token', async () => {
    const response = await runHandler(
      handler,
      buildHttpEvent({ operation: operations.get_tool_definitions, data: {} }),
    );
    expect(response.status).toBe(200);
    expect(response.json).toEqual(JSON.parse(JSON.stringify({ success: true, tools, functions })));
  });
});
