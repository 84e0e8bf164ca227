import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { afterAll, describe, expect, it } from 'vitest';
import { toolRunner } from '#lib/catalog/dispatch';
import { parseConfig } from '#lib/config';
import { deadlineOf } from '#lib/deadline';
import type { ApiRequest } from '#lib/http/api-handler';
import { runAction } from '#lib/http/run-action';
import { operations } from '#lib/operations';
import { startLocalDynamo } from '../../../local/dynamo.ts';
import { lambdaContext } from '../catalog/support.ts';

/**
 * The action runner every door uses (REST's apiHandler, the tool runners of call_tool and
 * MCP) on a real table (dynalite): the registry's `once` decides whether an action runs once
 * for a request and its repeats, not the action. The person is given, as /mcp gives it.
 */

const dynamo = await startLocalDynamo({ tableName: 'run-action' });
afterAll(() => dynamo.close());
const config = parseConfig({ DYNAMODB_ENDPOINT: dynamo.endpoint, TABLE_NAME: 'run-action' });

function request(body: object, person = crypto.randomUUID()): ApiRequest<unknown> {
  const context = lambdaContext();
  return {
    body,
    rawBody: JSON.stringify(body),
    event: {} as APIGatewayProxyEventV2,
    config,
    credentials: { accessToken: 'never-asked' },
    context,
    deadline: deadlineOf(context),
    idempotencyKey: undefined,
    person,
  };
}

/** An action that counts its runs and answers as a sending action does. */
function countingAction() {
  const runs: unknown[] = [];
  const action = async ({ body }: ApiRequest<unknown>) => {
    runs.push(body);
    return { message: `Sent number ${runs.length}.`, data: { id: `m-${runs.length}` } };
  };
  return { runs, action };
}

describe('running an action', () => {
  it('runs it once for a request and its repeat where the registry says the operation sends once', async () => {
    expect(operations.send_email.once).toBe(true);
    const { runs, action } = countingAction();
    const first = request({ draft: 1 });
    const answers = [
      await runAction(operations.send_email, action, first),
      await runAction(operations.send_email, action, { ...first }),
    ];
    expect(runs).toHaveLength(1);
    expect(answers[0]).toEqual({ message: 'Sent number 1.', data: { id: 'm-1', repeat: false } });
    expect(answers[1]).toEqual({
      message: 'Already done moments ago, not sent again: Sent number 1.',
      data: { id: 'm-1', repeat: true },
    });
    // A different request, or the same one from someone else, is sent.
    await runAction(operations.send_email, action, { ...first, body: { draft: 2 } });
    await runAction(operations.send_email, action, request({ draft: 1 }));
    expect(runs).toHaveLength(3);
  });

  it('runs the same action each time under an entry without the flag', async () => {
    expect(operations.create_draft.once).toBeUndefined();
    const { runs, action } = countingAction();
    const same = request({ draft: 1 });
    const answers = [
      await runAction(operations.create_draft, action, same),
      await runAction(operations.create_draft, action, same),
    ];
    expect(runs).toHaveLength(2);
    expect(answers.map((answer) => answer.message)).toEqual(['Sent number 1.', 'Sent number 2.']);
    expect(answers[1]).not.toHaveProperty('data.repeat');
  });

  it('applies the flag through a tool runner (call_tool and MCP), whose action knows nothing of it', async () => {
    const { runs, action } = countingAction();
    const runner = toolRunner(operations.send_draft, async () => action);
    const call = request({ draft_id: 'r-42' });
    const first = await runner.run(call);
    const again = await runner.run({ ...call, body: { draft_id: 'r-42' } });
    expect(runs).toEqual([{ draft_id: 'r-42' }]);
    expect(first).toMatchObject({ data: { repeat: false } });
    expect(again).toMatchObject({
      data: { id: 'm-1', repeat: true },
      message: expect.stringMatching(/not sent again/),
    });
  });
});
