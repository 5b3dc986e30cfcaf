import { OTHER_SOURCES, ROLLUP_DEFAULTS } from './constants.js';
import { emptyMerged } from './emptyMerged.js';
import { RollupOptionsError } from './errors.js';
import { mergeGroups } from './mergeGroups.js';
import type { MergedSummary, MergeOptions, SourceFigures } from './types.js';

/**
 * Merges summaries (made with `fromSummary`, or earlier merges) into one: a pure function,
 * associative, with `emptyMerged()` as identity. Counters, levels, classes and redaction kinds add;
 * the time range is the union; `errorsPerMinute` adds and keeps the latest `histogramMinutes`
 * (10 080) minutes, counting the records of older ones in `histogramOverflow`; groups merge by
 * `groupId` as Space-Saving counters (see `mergeGroups`), at most `keptGroups` (200) of them, each
 * with its count's error; `bySource` keeps `maxSources` (50) prefixes by name, the rest add to
 * `(other)`. Every bound drops the same entries whatever the grouping of the merges, so all of it is
 * associative; only the groups' counts, once a floor is above 0, may differ within their errors.
 * Keys come out sorted: the same inputs in the same order give the same JSON bytes.
 *
 * @example const hour = mergeSummaries(summaries.map((s) => fromSummary(s)));
 */
export function mergeSummaries(parts: readonly MergedSummary[], options: MergeOptions = {}): MergedSummary {
  const keptGroups = bound(options.keptGroups, 'keptGroups', ROLLUP_DEFAULTS.keptGroups);
  const histogramMinutes = bound(options.histogramMinutes, 'histogramMinutes', ROLLUP_DEFAULTS.histogramMinutes);
  const maxSources = bound(options.maxSources, 'maxSources', ROLLUP_DEFAULTS.maxSources);
  const histogram = mergeHistograms(parts.map((p) => p.time.errorsPerMinute), histogramMinutes);
  const groups = mergeGroups(parts.map((p) => ({ groups: p.groups, floor: p.groupFloor })), keptGroups);
  return {
    summaries: { complete: sum(parts, (p) => p.summaries.complete), failed: sum(parts, (p) => p.summaries.failed) },
    counts: mergeCounts(parts),
    time: {
      first: extreme(parts.map((p) => p.time.first), -1),
      last: extreme(parts.map((p) => p.time.last), 1),
      errorsPerMinute: histogram.kept,
      histogramOverflow: sum(parts, (p) => p.time.histogramOverflow) + histogram.dropped,
      yearsInferred: sum(parts, (p) => p.time.yearsInferred),
    },
    groups: groups.groups,
    groupFloor: groups.floor,
    bySource: mergeSources(parts.map((p) => p.bySource), maxSources, histogramMinutes),
  };
}

/** Counters add; the first parse failure is the one of the smallest object key (then line): the same whatever the order. */
function mergeCounts(parts: readonly MergedSummary[]): MergedSummary['counts'] {
  const counters = parts.map(({ counts: { firstParseFailure: _, ...rest } }) => rest);
  const counts = addCounters([emptyMerged().counts, ...counters]) as unknown as MergedSummary['counts'];
  let first: MergedSummary['counts']['firstParseFailure'];
  for (const p of parts) {
    const f = p.counts.firstParseFailure;
    if (f && (!first || f.key < first.key || (f.key === first.key && f.line < first.line))) first = f;
  }
  if (first) counts.firstParseFailure = { ...first };
  return counts;
}

function bound(value: number | undefined, option: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1) throw new RollupOptionsError(option, 'a positive integer', value);
  return value;
}

function sum<T>(items: readonly T[], pick: (item: T) => number): number {
  return items.reduce((n, item) => n + pick(item), 0);
}

/** The smallest (`sign` -1) or largest (1) ISO timestamp, ignoring nulls. */
function extreme(values: ReadonlyArray<string | null>, sign: -1 | 1): string | null {
  let best: string | null = null;
  for (const v of values) if (v !== null && (best === null || (sign < 0 ? v < best : v > best))) best = v;
  return best;
}

type Counters = { [key: string]: number | Counters | undefined };

/** Adds nested numeric records key by key; a key present in none stays absent. Keys come out sorted. */
function addCounters(items: readonly object[]): Counters {
  const out: Counters = {};
  const keys = [...new Set(items.flatMap((i) => Object.keys(i)))].sort();
  for (const key of keys) {
    const values = items.map((i) => (i as Counters)[key]).filter((v) => v !== undefined);
    out[key] = typeof values[0] === 'number' ? values.reduce<number>((n, v) => n + (v as number), 0) : addCounters(values as object[]);
  }
  return out;
}

/** Adds histograms minute by minute and keeps the latest `limit` minutes; `dropped` counts the records of the rest. */
function mergeHistograms(histograms: ReadonlyArray<Record<string, number>>, limit: number): { kept: Record<string, number>; dropped: number } {
  const totals = new Map<string, number>();
  for (const h of histograms) for (const [minute, n] of Object.entries(h)) totals.set(minute, (totals.get(minute) ?? 0) + n);
  const minutes = [...totals.keys()].sort();
  const cut = Math.max(0, minutes.length - limit);
  const kept: Record<string, number> = {};
  let dropped = 0;
  minutes.forEach((m, i) => {
    if (i < cut) dropped += totals.get(m)!;
    else kept[m] = totals.get(m)!;
  });
  return { kept, dropped };
}

/** Adds the per-source figures; the first `limit` names (code-unit order) stay, the others add to `(other)`. */
function mergeSources(all: ReadonlyArray<Record<string, SourceFigures>>, limit: number, histogramMinutes: number): Record<string, SourceFigures> {
  const named = [...new Set(all.flatMap((s) => Object.keys(s)))].filter((n) => n !== OTHER_SOURCES).sort();
  const keep = new Set(named.slice(0, limit));
  const buckets = new Map<string, SourceFigures[]>();
  for (const sources of all) {
    for (const [name, figures] of Object.entries(sources)) {
      const into = keep.has(name) ? name : OTHER_SOURCES;
      buckets.set(into, [...(buckets.get(into) ?? []), figures]);
    }
  }
  const out: Record<string, SourceFigures> = {};
  for (const name of [...buckets.keys()].sort()) {
    const list = buckets.get(name)!;
    out[name] = {
      summaries: sum(list, (f) => f.summaries),
      records: sum(list, (f) => f.records),
      errors: sum(list, (f) => f.errors),
      errorsPerMinute: mergeHistograms(list.map((f) => f.errorsPerMinute), histogramMinutes).kept,
    };
  }
  return out;
}
