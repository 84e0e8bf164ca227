import { describe, expect, it } from 'vitest';
import { get_launch_status } from '#lib/actions/computers/get_launch_status';
import { type ToolActions, toolActions } from '#lib/actions/tools';
import { allTools } from '#lib/operations';

describe('the map of tool actions', () => {
  it('holds one action per registry tool, and nothing else', () => {
    expect(Object.keys(toolActions).sort()).toEqual(allTools.map((tool) => tool.name).sort());
    for (const action of Object.values(toolActions)) expect(action).toBeTypeOf('function');
  });

  it('is held to the registry by the compiler: a missing or mismatched action does not type-check', () => {
    // tsc (run before every commit) fails if either line below stops being an error.
    const { send_email: _removed, ...withoutSendEmail } = toolActions;
    // @ts-expect-error send_email has no action, so this is not a map of tool actions.
    const incomplete: ToolActions = withoutSendEmail;
    // @ts-expect-error get_launch_status's action takes a job id, not an email to send.
    const mismatched: ToolActions = { ...toolActions, send_email: get_launch_status };
    expect(Object.keys(incomplete)).not.toContain('send_email');
    expect(mismatched.send_email).toBe(get_launch_status);
  });
});
