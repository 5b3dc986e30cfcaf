import type { Summary } from '../pipeline/types.js';
import { RollupInputError } from './errors.js';
import { sourcePrefix } from './sourcePrefix.js';
import type { MergedSummary } from './types.js';

/**
 * A per-object summary as the input of `mergeSummaries`: its counters, time and kept groups
 * (`groups`, or `topGroups` in a summary written before `groups` existed), each seen-point tagged
 * with the object key. When groups were left out (the object's Space-Saving table evicted some, or
 * it lists fewer records than it counted), the smallest listed count is the floor: no unlisted
 * group can have occurred more often.
 *
 * @throws RollupInputError when the document is not a `logsieve.summary/1`.
 * @example mergeSummaries(summaries.map((s) => fromSummary(s)))
 */
export function fromSummary(summary: Summary, sourceDepth?: number): MergedSummary {
  const key = summary?.source?.key;
  if (summary?.schema !== 'logsieve.summary/1' || typeof key !== 'string' || !summary.counts || !summary.time) {
    throw new RollupInputError(String(key ?? '(unknown)'), `not a logsieve.summary/1 document (schema ${JSON.stringify(summary?.schema)})`);
  }
  const listed = summary.groups ?? summary.topGroups ?? [];
  const listedCount = listed.reduce((n, g) => n + g.count, 0);
  // Groups were left out when the summary's Space-Saving table evicted some (their records are in
  // `ungroupedRecords`, the sum of the countErrors) or when it lists fewer records than it counted.
  const evicted = (summary.counts.ungroupedRecords ?? 0) > 0 || listedCount < summary.counts.records;
  const floor = evicted ? (listed.length > 0 ? Math.min(...listed.map((g) => g.count)) : summary.counts.records) : 0;
  const { cloudWatchLogs, firstParseFailure, ...counts } = summary.counts;
  return {
    summaries: { complete: summary.status === 'complete' ? 1 : 0, failed: summary.status === 'complete' ? 0 : 1 },
    counts: {
      ...counts,
      ...(cloudWatchLogs ? { cloudWatchLogs: { ...cloudWatchLogs } } : {}),
      ...(firstParseFailure ? { firstParseFailure: { key, line: firstParseFailure.line, reason: firstParseFailure.reason } } : {}),
    },
    time: { ...summary.time, errorsPerMinute: { ...summary.time.errorsPerMinute } },
    groups: listed.map((g) => ({
      groupId: g.groupId,
      template: g.template,
      class: g.class,
      level: g.level,
      count: g.count,
      countError: g.countError ?? 0,
      ...(g.aliases?.length ? { aliases: [...g.aliases] } : {}),
      firstSeen: { line: g.firstSeen.line, timestamp: g.firstSeen.timestamp, key: g.firstSeen.key ?? key },
      lastSeen: { line: g.lastSeen.line, timestamp: g.lastSeen.timestamp, key: g.lastSeen.key ?? key },
      sample: { ...g.sample },
    })),
    groupFloor: floor,
    bySource: {
      [sourcePrefix(key, sourceDepth)]: {
        summaries: 1,
        records: summary.counts.records,
        errors: summary.counts.errors,
        errorsPerMinute: { ...summary.time.errorsPerMinute },
      },
    },
  };
}
