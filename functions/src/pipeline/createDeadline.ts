import { InvocationDeadlineError, PipelineError } from './errors.js';

/** Least and most time kept back from the function's timeout; in between, 5 % of the time left. */
export const DEADLINE_MARGIN = { minMs: 5_000, maxMs: 30_000, share: 0.05 } as const;

/** A deadline signal and the timer behind it. */
export interface Deadline {
  /** Fires `marginMs` before the invocation's end, with an `InvocationDeadlineError` as reason. */
  readonly signal: AbortSignal;
  readonly marginMs: number;
  /** Clears the timer (call when the invocation ends, so it never fires in a later one). */
  dispose(): void;
}

/**
 * The point at which an invocation stops reading input so that it can still write what it found:
 * `remainingMs` (from `context.getRemainingTimeInMillis()`) minus a margin of 5 % of it, at least
 * 5 s and at most 30 s (15 s for the default 5-minute timeout), or `marginMs` when given (the
 * setting `LOGSIEVE_DEADLINE_MARGIN_MS`). With less than the margin left, the signal fires at once.
 *
 * @example
 * const deadline = createDeadline(context.getRemainingTimeInMillis());
 * try { await processObject(deps, ref, { stopReading: deadline.signal }); } finally { deadline.dispose(); }
 */
export function createDeadline(remainingMs: number, fixedMarginMs?: number): Deadline {
  if (typeof remainingMs !== 'number' || !Number.isFinite(remainingMs) || remainingMs < 0) {
    throw new PipelineError(`remainingMs must be a finite number of milliseconds ≥ 0; got ${String(remainingMs)}`);
  }
  if (fixedMarginMs !== undefined && (!Number.isFinite(fixedMarginMs) || fixedMarginMs < 0)) {
    throw new PipelineError(`marginMs must be a finite number of milliseconds ≥ 0; got ${String(fixedMarginMs)}`);
  }
  const marginMs = fixedMarginMs ?? Math.round(Math.min(DEADLINE_MARGIN.maxMs, Math.max(DEADLINE_MARGIN.minMs, remainingMs * DEADLINE_MARGIN.share)));
  const controller = new AbortController();
  const fire = (): void => controller.abort(new InvocationDeadlineError(marginMs));
  const timer = setTimeout(fire, Math.max(0, remainingMs - marginMs));
  // The timer alone must not keep a process (a local run) alive.
  timer.unref();
  return { signal: controller.signal, marginMs, dispose: () => clearTimeout(timer) };
}
