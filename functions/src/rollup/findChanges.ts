import { ROLLUP_DEFAULTS } from './constants.js';
import type { ChangedGroup, MergedSummary, Rollup } from './types.js';

/** Options of {@link findChanges}; defaults in `ROLLUP_DEFAULTS`. */
export interface ChangeOptions {
  risingFactor?: number;
  risingMinCount?: number;
}

/**
 * The new and rising groups of an hour. `new`: in none of the earlier rollups given (the previous
 * days' dailies and the trailing hours' hourlies; a group's aliases count as the group). `rising`:
 * not new, at least `risingMinCount` (10) times in the hour and at least `risingFactor` (5) times
 * its mean per hour over the trailing hourly rollups given (an hour with a rollup where the group
 * is absent counts 0). With no earlier rollup at all nothing is flagged: every group would be new.
 * A group kept out of an earlier rollup by its `keptGroups` bound looks new: the bound is stated.
 * New first, then by count.
 *
 * @example findChanges(hour, { hourlies: last24, dailies: last7 })
 */
export function findChanges(
  hour: MergedSummary,
  history: { hourlies: readonly Rollup[]; dailies: readonly Rollup[] },
  options: ChangeOptions = {},
): { changes: ChangedGroup[]; baseline: Rollup['baseline'] } {
  const baseline = { hours: history.hourlies.length, days: history.dailies.length };
  if (baseline.hours + baseline.days === 0) return { changes: [], baseline };
  const factor = options.risingFactor ?? ROLLUP_DEFAULTS.risingFactor;
  const minCount = options.risingMinCount ?? ROLLUP_DEFAULTS.risingMinCount;
  const seen = new Set<string>();
  const hourlyTotals = new Map<string, number>();
  for (const r of [...history.hourlies, ...history.dailies]) {
    for (const g of r.groups) for (const id of [g.groupId, ...(g.aliases ?? [])]) seen.add(id);
  }
  for (const r of history.hourlies) for (const g of r.groups) hourlyTotals.set(g.groupId, (hourlyTotals.get(g.groupId) ?? 0) + g.count);

  const changes: ChangedGroup[] = [];
  for (const g of hour.groups) {
    const base = { groupId: g.groupId, template: g.template, class: g.class, level: g.level, count: g.count, countError: g.countError, firstSeen: g.firstSeen, sample: g.sample };
    if (![g.groupId, ...(g.aliases ?? [])].some((id) => seen.has(id))) {
      changes.push({ ...base, change: 'new' });
      continue;
    }
    if (baseline.hours === 0) continue;
    const mean = (hourlyTotals.get(g.groupId) ?? 0) / baseline.hours;
    if (g.count >= minCount && g.count >= factor * mean) changes.push({ ...base, change: 'rising', trailingMean: Math.round(mean * 100) / 100 });
  }
  changes.sort((a, b) => (a.change === b.change ? 0 : a.change === 'new' ? -1 : 1) || b.count - a.count || (a.groupId < b.groupId ? -1 : 1));
  return { changes, baseline };
}
