import type { CloudWatchLogsStats } from './types.js';

/**
 * Fresh, zeroed counters for `cloudWatchLogsEvents` on one object.
 *
 * @example
 * const envelopeStats = createCloudWatchLogsStats();
 * for await (const batch of records(cloudWatchLogsEvents(bytes, { envelopeStats }), { source })) write(batch);
 * summary.counts.cloudWatchLogs = envelopeStats;
 */
export function createCloudWatchLogsStats(): CloudWatchLogsStats {
  return { envelopes: 0, controlMessages: 0, logEvents: 0, invalidEvents: 0, deepValues: 0 };
}
