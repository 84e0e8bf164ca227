import type { OnceRequest } from '../idempotency.ts';
import type { Operation } from '../operations.ts';

/**
 * What the action of an operation that sends once (`once: true` in the registry) answers:
 * a message and its data. The runner adds `data.repeat`, and on a repeat says nothing was sent.
 */
export interface SentAnswer {
  message: string;
  data: object;
}

/**
 * Runs an operation's action on a valid request, as every door does (REST, call_tool, MCP).
 * Where the registry says the operation sends once, the whole action runs inside `once()`
 * (lib/idempotency.ts): a repeat answers the first answer and runs nothing, not even the
 * fetching of attachments. The idempotency layer is loaded only by operations that send once.
 */
export async function runAction<R extends OnceRequest, A extends object>(
  operation: Pick<Operation, 'name' | 'once'>,
  action: (request: R) => Promise<A>,
  request: R,
): Promise<A | SentAnswer> {
  if (!operation.once) return action(request);
  const { once } = await import('../idempotency.ts');
  // The Action type (api-handler.ts) makes a once operation's action answer a SentAnswer.
  const { result, repeat } = await once(operation, request, () => action(request) as unknown as Promise<SentAnswer>);
  return {
    ...result,
    message: repeat ? `Already done moments ago, not sent again: ${result.message}` : result.message,
    data: { ...result.data, repeat },
  };
}
