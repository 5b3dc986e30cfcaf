import { ROLLUP_DEFAULTS } from './constants.js';
import { seenGroupsFilter } from './seenGroups.js';
import type { ChangedGroup, MergedSummary, Rollup } from './types.js';

/** Options of {@link findChanges}; defaults in `ROLLUP_DEFAULTS`. */
export interface ChangeOptions {
  risingFactor?: number;
  risingMinCount?: number;
}

/**
 * The new and rising groups of an hour. `new`: in none of the earlier rollups given (the previous
 * days' dailies and the trailing hours' hourlies): neither in their `groups` (a group's aliases
 * count as the group) nor in their `seenGroups` filters, which also hold the groups their 200-group
 * bound left out, so such a group does not come back as new (a rollup without a filter, written
 * before it existed, is judged by its `groups` alone). `rising`: not new, at least `risingMinCount`
 * (10) times in the hour and at least `risingFactor` (5) times its mean per hour over the trailing
 * hourly rollups given; an hour where the group is absent counts 0, one whose filter holds it
 * though its `groups` leave it out counts that rollup's `groupFloor`, the most it can have had
 * there. With no earlier rollup at all nothing is flagged: every group would be new. New first,
 * then by count.
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
  const listed = new Set<string>();
  const filters = seenGroupsFilter();
  for (const r of [...history.hourlies, ...history.dailies]) {
    for (const g of r.groups) for (const id of [g.groupId, ...(g.aliases ?? [])]) listed.add(id);
    if (r.seenGroups) filters.union(r.seenGroups);
  }
  const seen = (ids: readonly string[]): boolean => ids.some((id) => listed.has(id) || filters.has(id));
  const trailing = history.hourlies.map(trailingCounts);

  const changes: ChangedGroup[] = [];
  for (const g of hour.groups) {
    const ids = [g.groupId, ...(g.aliases ?? [])];
    const base = { groupId: g.groupId, template: g.template, class: g.class, level: g.level, count: g.count, countError: g.countError, firstSeen: g.firstSeen, sample: g.sample };
    if (!seen(ids)) {
      changes.push({ ...base, change: 'new' });
      continue;
    }
    if (baseline.hours === 0) continue;
    const mean = trailing.reduce((n, count) => n + count(g.groupId), 0) / baseline.hours;
    if (g.count >= minCount && g.count >= factor * mean) changes.push({ ...base, change: 'rising', trailingMean: Math.round(mean * 100) / 100 });
  }
  changes.sort((a, b) => (a.change === b.change ? 0 : a.change === 'new' ? -1 : 1) || b.count - a.count || (a.groupId < b.groupId ? -1 : 1));
  return { changes, baseline };
}

/** A group's count in an earlier hourly rollup: listed, or its floor (the most it can have had) when only its filter holds it, else 0. */
function trailingCounts(rollup: Rollup): (groupId: string) => number {
  const counts = new Map(rollup.groups.map((g) => [g.groupId, g.count]));
  const filter = rollup.seenGroups && rollup.groupFloor > 0 ? seenGroupsFilter(rollup.seenGroups) : undefined;
  return (groupId) => counts.get(groupId) ?? (filter?.has(groupId) ? rollup.groupFloor : 0);
}
