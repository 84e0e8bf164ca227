import { BrokerError } from '#lib/errors';

/** The BrokerError `run` throws, to assert on its kind and message; any other outcome fails the test. */
export function thrownBrokerError(run: () => unknown): BrokerError {
  try {
    run();
  } catch (error) {
    if (error instanceof BrokerError) return error;
    throw error;
  }
  throw new Error('expected a BrokerError');
}
