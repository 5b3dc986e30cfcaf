import type { Summary, SummaryGroup } from '../pipeline/types.js';

/** Counters of a merged summary: the summary's counters, added. */
export type MergedCounts = Omit<Summary['counts'], 'cloudWatchLogs'> & { cloudWatchLogs?: NonNullable<Summary['counts']['cloudWatchLogs']> };

/** Per source prefix figures of a merged summary (the HTML stacks the errors over time by source). */
export interface SourceFigures {
  summaries: number;
  records: number;
  errors: number;
  errorsPerMinute: Record<string, number>;
}

/**
 * What `mergeSummaries` takes and gives: a summary's mergeable fields. `fromSummary` makes one of a
 * per-object summary; merging two gives a third, and `emptyMerged()` is the identity.
 */
export interface MergedSummary {
  /** Summaries merged, by status. */
  summaries: { complete: number; failed: number };
  counts: MergedCounts;
  time: Summary['time'];
  /**
   * Kept groups, count descending (ties: earliest first seen, then groupId), at most `keptGroups`.
   * `count` may overestimate by `countError` (Space-Saving); `firstSeen.key`/`lastSeen.key` name the object.
   */
  groups: SummaryGroup[];
  /** A group not in `groups` occurred at most this many times (0: `groups` holds every group, exactly). */
  groupFloor: number;
  bySource: Record<string, SourceFigures>;
}

/** Options of `mergeSummaries`. */
export interface MergeOptions {
  /** Groups kept; default 200. */
  keptGroups?: number;
  /** Minutes of histogram kept (the latest); default 10 080. */
  histogramMinutes?: number;
  /** Source prefixes kept by name; default 50. */
  maxSources?: number;
}
