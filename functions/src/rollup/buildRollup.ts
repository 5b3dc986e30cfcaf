import { ROLLUP_DEFAULTS, ROLLUP_SCHEMA } from './constants.js';
import type { ChangedGroup, MergedSummary, Rollup, RollupInput } from './types.js';
import type { SeenGroups } from './seenGroups.js';

/** What a rollup is made of. */
export interface RollupParts {
  period: Rollup['period'];
  scope?: string;
  merged: MergedSummary;
  inputs: readonly RollupInput[];
  changes?: readonly ChangedGroup[];
  baseline?: Rollup['baseline'];
  /** The ids the inputs listed (hourly and daily rollups); left out when not given. */
  seen?: SeenGroups;
  /** Groups in `topGroups`; default 20. */
  topGroups?: number;
}

/**
 * Assembles the `logsieve.rollup/1` document, its fields always in the same order (changes first),
 * so the same parts give the same JSON bytes.
 *
 * @example const rollup = buildRollup({ period: { kind: 'hour', start, end }, merged, inputs });
 */
export function buildRollup(parts: RollupParts): Rollup {
  const { merged } = parts;
  const inputs = [...parts.inputs].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return {
    schema: ROLLUP_SCHEMA,
    period: { kind: parts.period.kind, start: parts.period.start, end: parts.period.end },
    scope: parts.scope ?? '*',
    changes: [...(parts.changes ?? [])],
    baseline: parts.baseline ?? { hours: 0, days: 0 },
    summaries: merged.summaries,
    counts: merged.counts,
    time: merged.time,
    topGroups: merged.groups.slice(0, parts.topGroups ?? ROLLUP_DEFAULTS.topGroups),
    groups: merged.groups,
    groupFloor: merged.groupFloor,
    ...(parts.seen ? { seenGroups: parts.seen } : {}),
    bySource: merged.bySource,
    inputs: inputs.map((i) => ({ key: i.key, ...(i.etag !== undefined ? { etag: i.etag } : {}), status: i.status })),
  };
}

/** A stored rollup as the input of `mergeSummaries` (a daily rollup merges the hourly ones). */
export function mergedOfRollup(rollup: Rollup): MergedSummary {
  return { summaries: rollup.summaries, counts: rollup.counts, time: rollup.time, groups: rollup.groups, groupFloor: rollup.groupFloor, bySource: rollup.bySource };
}
