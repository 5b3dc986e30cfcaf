import type { Summary, SummaryGroup } from '../pipeline/types.js';
import type { SeenGroups } from './seenGroups.js';

/** Counters of a merged summary: the summary's counters, added. */
export type MergedCounts = Omit<Summary['counts'], 'cloudWatchLogs' | 'firstParseFailure'> & {
  cloudWatchLogs?: NonNullable<Summary['counts']['cloudWatchLogs']>;
  /** The first parse failure of the object whose key sorts first among those that had one, with that key. */
  firstParseFailure?: { key: string; line: number; reason: string };
};

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

/** A group flagged in a rollup: `new` (absent from the previous days' rollups) or `rising`. */
export interface ChangedGroup {
  groupId: string;
  template: string;
  class: SummaryGroup['class'];
  level: SummaryGroup['level'];
  change: 'new' | 'rising';
  count: number;
  countError: number;
  /** Rising: the group's mean count per hour over the trailing hours that have a rollup. */
  trailingMean?: number;
  firstSeen: SummaryGroup['firstSeen'];
  sample: SummaryGroup['sample'];
}

/** One input a rollup merged: a summary (hourly, on demand) or an hourly rollup (daily). */
export interface RollupInput {
  key: string;
  etag?: string;
  status: 'complete' | 'failed';
}

/** The rollup document, `logsieve.rollup/1`: many summaries merged, its changes first. */
export interface Rollup {
  schema: typeof import('./constants.js').ROLLUP_SCHEMA;
  /** `hour`, `day`, or `range` (on demand, `logsieve rollup`); `start` inclusive, `end` exclusive (ISO), null when unbounded. */
  period: { kind: 'hour' | 'day' | 'range'; start: string | null; end: string | null };
  /** `*` for every source, else the source prefix the rollup is restricted to. */
  scope: string;
  /** New and rising groups, new first, then by count; empty when no history was found to compare with. */
  changes: ChangedGroup[];
  /** The history `changes` compared with: hourly rollups of the trailing hours and daily rollups of the previous days found (none: nothing is flagged). */
  baseline: { hours: number; days: number };
  summaries: MergedSummary['summaries'];
  counts: MergedSummary['counts'];
  time: MergedSummary['time'];
  /** The first `topGroups` (20) of `groups`. */
  topGroups: SummaryGroup[];
  groups: SummaryGroup[];
  groupFloor: number;
  /**
   * Every group id its inputs listed, also those `groups` left out (a Bloom filter; see `seenGroups`):
   * what `new` is judged against. Absent in rollups written before it existed and in `range` rollups.
   */
  seenGroups?: SeenGroups;
  bySource: MergedSummary['bySource'];
  /** What was merged, in key order. */
  inputs: RollupInput[];
}

/** Settings of the rollup writer; defaults in `ROLLUP_DEFAULTS`. */
export interface RollupSettings {
  keptGroups: number;
  topGroups: number;
  sourceDepth: number;
  maxSources: number;
  newDays: number;
  risingFactor: number;
  risingMinCount: number;
  risingHours: number;
  readConcurrency: number;
}

/** What the rollup writer puts on EventBridge when an hourly rollup has new or rising groups (detail-type `Error groups changed`). */
export interface ChangeEventDetail {
  bucket: string;
  hour: string;
  rollupKey: string;
  reportKey: string;
  counts: { summaries: number; records: number; errors: number };
  /** At most 20, new first; templates cut at 300 characters. */
  changes: Array<Pick<ChangedGroup, 'change' | 'groupId' | 'template' | 'level' | 'class' | 'count' | 'trailingMean'>>;
  /** More changes than listed. */
  moreChanges: number;
  links: { rollup: string; report: string; console: string };
}
