import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { get_launch_status } from '#lib/actions/computers/get_launch_status';
import { type ToolActions, toolActions } from '#lib/actions/tools';
import { allTools } from '#lib/operations';

const actions = new URL('../../../lib/actions/', import.meta.url);

describe('the map of tool actions', () => {
  it('holds one loader per registry tool, and nothing else', () => {
    expect(Object.keys(toolActions).sort()).toEqual(allTools.map((tool) => tool.name).sort());
    for (const load of Object.values(toolActions)) expect(load).toBeTypeOf('function');
  });

  it('loads, for each tool, the very action its own REST entry point runs', async () => {
    for (const [name, load] of Object.entries(toolActions)) {
      const folder = existsSync(new URL(`mail/${name}.ts`, actions)) ? 'mail' : 'computers';
      const module = (await import(new URL(`${folder}/${name}.ts`, actions).href)) as Record<string, unknown>;
      expect(module[name], name).toBeTypeOf('function');
      expect(await load(), name).toBe(module[name]);
    }
  });

  it('is held to the registry by the compiler: a missing or mismatched action does not type-check', () => {
    // tsc (run before every commit) fails if either line below stops being an error.
    const { send_email: _removed, ...withoutSendEmail } = toolActions;
    // @ts-expect-error send_email has no action, so this is not a map of tool actions.
    const incomplete: ToolActions = withoutSendEmail;
    const wrong = async () => get_launch_status;
    // @ts-expect-error get_launch_status's action takes a job id, not an email to send.
    const mismatched: ToolActions = { ...toolActions, send_email: wrong };
    expect(Object.keys(incomplete)).not.toContain('send_email');
    expect(mismatched.send_email).toBe(wrong);
  });
});
