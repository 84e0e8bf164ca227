import { describe, expect, it } from 'vitest';
import { BrokerError } from '#lib/errors';
import { BodyUnreadable, bodyFailure } from '#lib/gmail/message-body';

/**
 * One message's unreadable body is told in words and the answer goes on (BodyUnreadable
 * never reaches the error mapping); what one message must not hide still ends the answer.
 */
describe('a body that could not be read', () => {
  const running = new AbortController().signal;
  const ended = AbortSignal.abort();

  it('is told in words, even when the operation has run out of time meanwhile', () => {
    const refused = new BodyUnreadable('its text is 9 bytes, more than the 1 read per message');
    const told = 'The body was not read: its text is 9 bytes, more than the 1 read per message.';
    expect(bodyFailure(refused, running, running)).toBe(told);
    expect(bodyFailure(refused, ended, running)).toBe(told);
  });

  it("rethrows the end of the operation and the caller's own credential failure", () => {
    const cut = new Error('aborted');
    expect(() => bodyFailure(cut, ended, running)).toThrow(cut);
    const refusedToken = new BrokerError('invalid_token', 'Google refused the token.');
    expect(() => bodyFailure(refusedToken, running, running)).toThrow(refusedToken);
  });
});
