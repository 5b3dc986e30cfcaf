import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createDeadline } from '../../../functions/src/pipeline/createDeadline.js';
import { InvocationDeadlineError, PipelineError } from '../../../functions/src/pipeline/errors.js';

describe('createDeadline', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it.each([
    [300_000, 15_000], // the default 5-minute timeout: 5 %
    [900_000, 30_000], // 15 minutes: capped at 30 s
    [60_000, 5_000], // 1 minute: at least 5 s
  ])('%i ms left keeps back %i ms, and fires then with the reason', (left, margin) => {
    const deadline = createDeadline(left);
    expect(deadline.marginMs).toBe(margin);
    vi.advanceTimersByTime(left - margin - 1);
    expect(deadline.signal.aborted).toBe(false);
    vi.advanceTimersByTime(1);
    expect(deadline.signal.aborted).toBe(true);
    expect(deadline.signal.reason).toBeInstanceOf(InvocationDeadlineError);
    expect((deadline.signal.reason as Error).message).toMatch(/^the invocation's deadline \(\d+ s before the function's timeout.*raise the function timeout/);
  });

  it('a fixed margin (LOGSIEVE_DEADLINE_MARGIN_MS) replaces the computed one', () => {
    const deadline = createDeadline(1_000, 200);
    expect(deadline.marginMs).toBe(200);
    vi.advanceTimersByTime(799);
    expect(deadline.signal.aborted).toBe(false);
    vi.advanceTimersByTime(1);
    expect(deadline.signal.aborted).toBe(true);
    expect(() => createDeadline(1_000, -5)).toThrow(/marginMs must be a finite number/);
  });

  it('with less time left than the margin, fires at once', () => {
    const deadline = createDeadline(3_000);
    vi.advanceTimersByTime(0);
    expect(deadline.signal.aborted).toBe(true);
  });

  it('dispose stops the timer: it never fires in a later invocation', () => {
    const deadline = createDeadline(60_000);
    deadline.dispose();
    vi.advanceTimersByTime(120_000);
    expect(deadline.signal.aborted).toBe(false);
  });

  it('refuses a time left that is not a finite number ≥ 0', () => {
    for (const bad of [Number.NaN, -1, Infinity, '5' as unknown as number]) expect(() => createDeadline(bad)).toThrow(PipelineError);
  });
});
