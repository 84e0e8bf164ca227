import { BrokerError } from '../../errors.ts';
import { insufficientScope } from '../../gmail/errors.ts';
import type { Action } from '../../http/api-handler.ts';
import type { Operation } from '../../operations.ts';

/**
 * A mail operation's action whose refusal for a missing Google permission names the
 * operation's scopes. The registry declares what each operation needs (`scopes`), once:
 * the Gmail calls name none, and this is where the operation is known.
 */
export function gmailAction<O extends Operation>(operation: O, action: Action<O>): Action<O> {
  return async (request) => {
    try {
      return await action(request);
    } catch (error) {
      if (error instanceof BrokerError && error.kind === 'insufficient_scope' && error.details === undefined) {
        throw insufficientScope(operation.scopes, error.cause);
      }
      throw error;
    }
  };
}
