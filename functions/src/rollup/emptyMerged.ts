import type { MergedSummary } from './types.js';

/**
 * The identity of `mergeSummaries`: no summaries, every counter 0, no time range, no groups.
 *
 * @example mergeSummaries([emptyMerged(), a]) // equals mergeSummaries([a])
 */
export function emptyMerged(): MergedSummary {
  return {
    summaries: { complete: 0, failed: 0 },
    counts: {
      lines: 0, bytesIn: 0, bytesOut: 0, events: 0, records: 0, errors: 0, warnings: 0,
      levels: { trace: 0, debug: 0, info: 0, warn: 0, error: 0, fatal: 0, none: 0 },
      classes: {}, truncatedLines: 0, skippedLines: 0, invalidUtf8Lines: 0, headerLines: 0, redactions: 0,
      redactionsByKind: {}, parseFailures: 0, fallbackLines: 0, multilineCuts: 0, excluded: 0, ungroupedRecords: 0,
      unclusteredRecords: 0, unlistedGroupIds: 0,
    },
    time: { first: null, last: null, errorsPerMinute: {}, histogramOverflow: 0, yearsInferred: 0 },
    groups: [],
    groupFloor: 0,
    bySource: {},
  };
}
