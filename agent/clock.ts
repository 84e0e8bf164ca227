import { REQUEST_SKEW_MS } from '#lib/agent-wire/signing';

/** Beyond this, the difference is the clock's, not the network's (the Date header has 1 s resolution). */
export const CLOCK_NOTICE_MS = 10_000;

/**
 * Watches the broker's clock as its answers report it (the HTTP `Date` header, the
 * socket's `server_time`) and says plainly, once, when this computer's clock is off: the
 * broker refuses requests outside its skew window, and jobs then read as expired or not
 * yet valid, which would otherwise look like a broken broker. Says so again once fixed.
 */
export class ClockWatch {
  readonly #log: (line: string) => void;
  #warned = false;

  constructor(log: (line: string) => void) {
    this.#log = log;
  }

  observe(serverTime: number, localTime: number): void {
    const skew = localTime - serverTime;
    if (Math.abs(skew) > CLOCK_NOTICE_MS) {
      if (!this.#warned) this.#log(describeSkew(skew));
      this.#warned = true;
    } else if (this.#warned && Math.abs(skew) < CLOCK_NOTICE_MS / 2) {
      this.#warned = false;
      this.#log("This computer's clock now agrees with the broker's.");
    }
  }
}

/** The plain words for a clock `skewMs` ahead of (positive) or behind (negative) the broker's. */
export function describeSkew(skewMs: number): string {
  const seconds = Math.round(Math.abs(skewMs) / 1000);
  return (
    `This computer's clock is about ${seconds} s ${skewMs > 0 ? 'ahead of' : 'behind'} the broker's. ` +
    `The broker refuses agent requests more than ${REQUEST_SKEW_MS / 1000} s off, and launch jobs look ` +
    'expired or not yet valid. Set the system clock (turn on automatic date and time).'
  );
}
