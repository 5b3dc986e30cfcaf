import { emptyMerged } from './emptyMerged.js';
import { mergeSummaries } from './mergeSummaries.js';
import type { MergedSummary, MergeOptions } from './types.js';

/** Summaries held before they are merged into the running result. */
const PENDING = 64;

/** An incremental `mergeSummaries`: add summaries one at a time, read the result at the end. */
export interface Merger {
  add(part: MergedSummary): void;
  result(): MergedSummary;
}

/**
 * Merges any number of summaries in bounded memory: holds at most 64 pending ones plus the running
 * result (≤ keptGroups groups, ≤ histogramMinutes minutes), merging the pending ones into it when
 * they reach 64. Deterministic: the same summaries added in the same order give the same result;
 * while no floor rises above 0 (fewer distinct groups than `keptGroups`) any order gives it.
 *
 * @example const m = createMerger(); for await (const s of summaries) m.add(fromSummary(s)); m.result();
 */
export function createMerger(options: MergeOptions = {}): Merger {
  let running = emptyMerged();
  let pending: MergedSummary[] = [];
  const flush = (): void => {
    if (pending.length === 0) return;
    running = mergeSummaries([running, ...pending], options);
    pending = [];
  };
  return {
    add(part) {
      pending.push(part);
      if (pending.length >= PENDING) flush();
    },
    result() {
      flush();
      return running;
    },
  };
}
