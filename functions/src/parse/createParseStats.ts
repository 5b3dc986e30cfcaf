import type { ParseStats } from './types.js';

/**
 * Fresh, zeroed counters for one object. Pass them to `records`/`cloudTrailRecords` and read them
 * afterwards for the summary.
 *
 * @example
 * const stats = createParseStats();
 * for await (const batch of records(lines, { source, stats })) write(batch);
 * summary.levels = stats.levels;
 */
export function createParseStats(): ParseStats {
  return {
    format: 'unknown',
    lines: 0,
    headerLines: 0,
    events: 0,
    records: 0,
    levels: { trace: 0, debug: 0, info: 0, warn: 0, error: 0, fatal: 0, none: 0 },
    classes: {},
    parseFailures: 0,
    firstParseFailure: null,
    fallbackLines: 0,
    redactions: 0,
    redactionsByKind: {},
    multilineCuts: 0,
    excluded: 0,
    timeRange: { min: null, max: null },
    errorsPerMinute: {},
    histogramOverflow: 0,
    yearsInferred: 0,
  };
}

/**
 * Counts one parse failure and keeps the first one's line and reason (cut to 200 characters).
 *
 * @example countParseFailure(stats, 12, 'invalid JSON')
 */
export function countParseFailure(stats: ParseStats, line: number, reason: string): void {
  stats.parseFailures++;
  stats.firstParseFailure ??= { line, reason: reason.length > 200 ? `${reason.slice(0, 199)}…` : reason };
}
