import { describe, expect, it } from 'vitest';
import type { SummaryGroup } from '../../../functions/src/pipeline/types.js';
import { buildRollup } from '../../../functions/src/rollup/buildRollup.js';
import { emptyMerged } from '../../../functions/src/rollup/emptyMerged.js';
import { findChanges } from '../../../functions/src/rollup/findChanges.js';
import { seenGroupsFilter } from '../../../functions/src/rollup/seenGroups.js';
import type { MergedSummary, Rollup } from '../../../functions/src/rollup/types.js';

function group(id: string, count: number, aliases?: string[]): SummaryGroup {
  return {
    groupId: id, template: `t ${id}`, class: 'level', level: 'error', count, countError: 0, ...(aliases ? { aliases } : {}),
    firstSeen: { line: 1, timestamp: '2026-11-26T10:00:00.000Z', key: 'k' }, lastSeen: { line: 1, timestamp: '2026-11-26T10:00:00.000Z', key: 'k' },
    sample: { message: id, firstLine: 1, timestamp: '2026-11-26T10:00:00.000Z' },
  };
}
const merged = (groups: SummaryGroup[]): MergedSummary => ({ ...emptyMerged(), groups });
const rollup = (groups: SummaryGroup[]): Rollup => buildRollup({ period: { kind: 'hour', start: null, end: null }, merged: merged(groups), inputs: [] });

describe('findChanges', () => {
  it('flags nothing without any earlier rollup: every group would be new', () => {
    expect(findChanges(merged([group('a', 50)]), { hourlies: [], dailies: [] })).toEqual({ changes: [], baseline: { hours: 0, days: 0 } });
  });

  it('flags a group absent from the earlier hourlies and dailies as new, unless one of its aliases was seen', () => {
    const { changes } = findChanges(merged([group('a', 3), group('b', 2), group('c', 1, ['old-c'])]), { hourlies: [rollup([group('a', 3)])], dailies: [rollup([group('old-c', 4)])] });
    expect(changes.map((c) => [c.groupId, c.change])).toEqual([['b', 'new']]);
  });

  it('flags rising at k × the trailing hourly mean and the minimum count; an hour without the group counts 0; new comes first', () => {
    const history = { hourlies: [rollup([group('r', 4)]), rollup([group('r', 2)]), rollup([group('q', 1)])], dailies: [] };
    // mean of r: (4 + 2 + 0) / 3 = 2, so k = 5 needs 10.
    expect(findChanges(merged([group('r', 10), group('n', 1)]), history).changes).toEqual([
      expect.objectContaining({ groupId: 'n', change: 'new' }),
      expect.objectContaining({ groupId: 'r', change: 'rising', count: 10, trailingMean: 2 }),
    ]);
    expect(findChanges(merged([group('r', 9)]), history).changes).toEqual([]);
    // Under the minimum count, however steep the rise.
    expect(findChanges(merged([group('q', 9)]), history, { risingMinCount: 10 }).changes).toEqual([]);
    expect(findChanges(merged([group('q', 9)]), history, { risingMinCount: 5 }).changes).toEqual([expect.objectContaining({ groupId: 'q', change: 'rising' })]);
  });

  it('does not flag as new a group an earlier rollup left out of its kept groups but holds in its seenGroups filter', () => {
    // 'evicted' was listed by an earlier hour's summaries, but that hour's 200-group bound dropped it.
    const seen = seenGroupsFilter();
    for (const id of ['kept', 'evicted']) seen.add(id);
    const earlier: Rollup = { ...rollup([group('kept', 50)]), groupFloor: 3, seenGroups: seen.toJSON() };
    const { changes } = findChanges(merged([group('evicted', 2), group('fresh', 2)]), { hourlies: [earlier], dailies: [] });
    expect(changes.map((c) => [c.groupId, c.change])).toEqual([['fresh', 'new']]);
    // Without the filter (a rollup written before it existed) the groups alone decide, as before.
    const { seenGroups: _, ...old } = earlier;
    expect(findChanges(merged([group('evicted', 2)]), { hourlies: [old], dailies: [] }).changes.map((c) => c.change)).toEqual(['new']);
  });

  it("counts a filtered-out group at the earlier rollup's floor in the trailing mean, the most it can have had", () => {
    const seen = seenGroupsFilter();
    seen.add('e');
    const earlier: Rollup = { ...rollup([group('kept', 50)]), groupFloor: 4, seenGroups: seen.toJSON() };
    // mean 4 (its floor), not 0: 12 is not 5 × 4; 20 is.
    expect(findChanges(merged([group('e', 12)]), { hourlies: [earlier], dailies: [] }).changes).toEqual([]);
    expect(findChanges(merged([group('e', 20)]), { hourlies: [earlier], dailies: [] }).changes).toEqual([expect.objectContaining({ change: 'rising', trailingMean: 4 })]);
  });
});
