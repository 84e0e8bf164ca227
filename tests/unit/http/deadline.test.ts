import { describe, expect, it, vi } from 'vitest';
import {
  API_GATEWAY_TIMEOUT_MS,
  callTimeout,
  currentDeadline,
  DEFAULT_DEADLINE_MS,
  Deadline,
  deadlineOf,
  SAFETY_MARGIN_MS,
  withDeadline,
} from '#lib/deadline';
import { deadlineShareMs, operationSignal } from '#lib/gmail/deadline';

const NOW = 1_800_000_000_000;
const clock = (remaining: number) => ({ getRemainingTimeInMillis: () => remaining });

describe('the deadline of an invocation', () => {
  it("is the context's remaining time less the safety margin", () => {
    expect(deadlineOf(clock(10_000), NOW).at).toBe(NOW + 10_000 - SAFETY_MARGIN_MS);
  });

  it("is never later than API Gateway's 29 s, whatever the function's own timeout", () => {
    expect(deadlineOf(clock(900_000), NOW).at).toBe(NOW + API_GATEWAY_TIMEOUT_MS - SAFETY_MARGIN_MS);
  });

  it('falls back to the default when a hand-built context has no clock', () => {
    const partial = {} as Parameters<typeof deadlineOf>[0];
    expect(deadlineOf(partial, NOW).at).toBe(NOW + DEFAULT_DEADLINE_MS - SAFETY_MARGIN_MS);
  });

  it('has passed at once when less than the margin is left', () => {
    const deadline = deadlineOf(clock(SAFETY_MARGIN_MS - 1), NOW);
    expect(deadline.at).toBe(NOW);
    expect(deadline.remainingMs(NOW)).toBe(0);
  });

  it('caps a call timeout to what is left, and aborts its signal with an AbortError (never retried) when it passes', async () => {
    const deadline = new Deadline(Date.now() + 60);
    expect(deadline.cap(8_000)).toBeLessThanOrEqual(60);
    expect(deadline.cap(10)).toBe(10);
    expect(deadline.signal.aborted).toBe(false);
    await vi.waitFor(() => expect(deadline.signal.aborted).toBe(true), { timeout: 2_000, interval: 10 });
    expect((deadline.signal.reason as DOMException).name).toBe('AbortError');
    expect(deadline.passed).toBe(true);
    expect(deadline.cap(8_000)).toBe(1);
  });
});

describe('the current deadline', () => {
  it('is the invocation’s inside withDeadline, for Gmail and OAuth calls made anywhere below', async () => {
    const deadline = new Deadline(Date.now() + 1_500);
    await withDeadline(deadline, async () => {
      await Promise.resolve();
      expect(currentDeadline()).toBe(deadline);
      expect(operationSignal()).toBe(deadline.signal);
      // One round may use four fifths of what is left; a fifth stays for the answer.
      expect(deadlineShareMs(1)).toBeLessThanOrEqual(1_200);
      expect(deadlineShareMs(1)).toBeGreaterThan(1_000);
    });
  });

  it('cuts an outbound call’s own timeout to the invocation’s time', async () => {
    await withDeadline(new Deadline(Date.now() + 40), async () => {
      const signal = callTimeout(8_000);
      await vi.waitFor(() => expect(signal.aborted).toBe(true), { timeout: 2_000, interval: 10 });
    });
  });

  it('is a fresh default outside any invocation (scripts, lib code called directly)', () => {
    const left = currentDeadline().remainingMs();
    expect(left).toBeGreaterThan(DEFAULT_DEADLINE_MS - 1_000);
    expect(left).toBeLessThanOrEqual(DEFAULT_DEADLINE_MS);
  });
});
