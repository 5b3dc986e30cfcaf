import { ROLLUP_EVENT } from './constants.js';
import type { ChangeEventDetail, Rollup } from './types.js';

/** Changes listed in an event; the rest are counted in `moreChanges` (EventBridge entries are at most 256 KiB). */
const MAX_EVENT_CHANGES = 20;
const MAX_TEMPLATE_CHARS = 300;

/**
 * The detail of the `Error groups changed` event for an hourly rollup with new or rising groups.
 *
 * @example changeEvent('out-bucket', 'logsieve/rollups/hourly/2026/11/26/10', rollup)
 */
export function changeEvent(bucket: string, key: string, rollup: Rollup): { source: string; detailType: string; detail: ChangeEventDetail } {
  const console = `https://s3.console.aws.amazon.com/s3/object/${encodeURIComponent(bucket)}?prefix=${encodeURIComponent(`${key}.html`)}`;
  return {
    source: ROLLUP_EVENT.source,
    detailType: ROLLUP_EVENT.detailType,
    detail: {
      bucket,
      hour: (rollup.period.start ?? '').slice(0, 13),
      rollupKey: `${key}.json`,
      reportKey: `${key}.html`,
      counts: { summaries: rollup.summaries.complete + rollup.summaries.failed, records: rollup.counts.records, errors: rollup.counts.errors },
      changes: rollup.changes.slice(0, MAX_EVENT_CHANGES).map((c) => ({
        change: c.change,
        groupId: c.groupId,
        template: c.template.slice(0, MAX_TEMPLATE_CHARS),
        level: c.level,
        class: c.class,
        count: c.count,
        ...(c.trailingMean !== undefined ? { trailingMean: c.trailingMean } : {}),
      })),
      moreChanges: Math.max(0, rollup.changes.length - MAX_EVENT_CHANGES),
      links: { rollup: `s3://${bucket}/${key}.json`, report: `s3://${bucket}/${key}.html`, console },
    },
  };
}
