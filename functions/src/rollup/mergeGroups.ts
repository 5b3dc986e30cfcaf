import type { SummaryGroup } from '../pipeline/types.js';

type Seen = SummaryGroup['firstSeen'];

interface Accumulator {
  group: SummaryGroup;
  count: number;
  error: number;
  /** Sum of the floors of the parts that listed the group. */
  floors: number;
  aliases: Set<string>;
}

/**
 * Space-Saving's mergeable merge (Agarwal et al., "Mergeable summaries", PODS 2012) of the kept
 * groups of several summaries, by `groupId`. Each part lists its heavy groups and a floor `m`, the
 * most an unlisted group can have occurred in it. A group listed by some parts gets their counts
 * plus the floors of the others, and as much again in `countError`, so that its true count stays in
 * [count - countError, count]. The `keptGroups` largest stay; the new floor is the larger of the
 * floors' sum and the largest count dropped. With floors of 0 (every part listed every group) the
 * merge is exact, and then associative and independent of the parts' order.
 *
 * @example mergeGroups([{ groups: a.groups, floor: 0 }, { groups: b.groups, floor: 3 }], 200)
 */
export function mergeGroups(parts: ReadonlyArray<{ groups: readonly SummaryGroup[]; floor: number }>, keptGroups: number): { groups: SummaryGroup[]; floor: number } {
  const totalFloor = parts.reduce((n, p) => n + p.floor, 0);
  const byId = new Map<string, Accumulator>();
  for (const part of parts) {
    for (const g of part.groups) {
      const acc = byId.get(g.groupId);
      if (!acc) {
        byId.set(g.groupId, { group: g, count: g.count, error: g.countError ?? 0, floors: part.floor, aliases: new Set(g.aliases ?? []) });
        continue;
      }
      acc.count += g.count;
      acc.error += g.countError ?? 0;
      acc.floors += part.floor;
      for (const alias of g.aliases ?? []) acc.aliases.add(alias);
      // The earliest occurrence brings its sample and level along with the first-seen point.
      const lastSeen = seenAfter(g.lastSeen, acc.group.lastSeen) ? g.lastSeen : acc.group.lastSeen;
      if (seenBefore(g.firstSeen, acc.group.firstSeen)) acc.group = { ...g, lastSeen };
      else acc.group = { ...acc.group, lastSeen };
    }
  }
  const merged = [...byId.values()].map((acc) => toGroup(acc, totalFloor - acc.floors));
  merged.sort(compareGroups);
  if (merged.length <= keptGroups) return { groups: merged, floor: totalFloor };
  return { groups: merged.slice(0, keptGroups), floor: Math.max(totalFloor, merged[keptGroups]!.count) };
}

function toGroup(acc: Accumulator, unlistedFloors: number): SummaryGroup {
  const { aliases: _drop, ...g } = acc.group;
  const aliases = [...acc.aliases].filter((a) => a !== g.groupId).sort();
  return {
    groupId: g.groupId,
    template: g.template,
    class: g.class,
    level: g.level,
    count: acc.count + unlistedFloors,
    countError: acc.error + unlistedFloors,
    ...(aliases.length ? { aliases } : {}),
    firstSeen: { line: g.firstSeen.line, timestamp: g.firstSeen.timestamp, ...(g.firstSeen.key !== undefined ? { key: g.firstSeen.key } : {}) },
    lastSeen: { line: g.lastSeen.line, timestamp: g.lastSeen.timestamp, ...(g.lastSeen.key !== undefined ? { key: g.lastSeen.key } : {}) },
    sample: { message: g.sample.message, firstLine: g.sample.firstLine, timestamp: g.sample.timestamp },
  };
}

/** Count descending, then the earliest first seen, then groupId: a total order, so merges give the same bytes. */
export function compareGroups(a: SummaryGroup, b: SummaryGroup): number {
  return b.count - a.count || compareSeen(a.firstSeen, b.firstSeen, NO_TIME_LAST) || (a.groupId < b.groupId ? -1 : a.groupId > b.groupId ? 1 : 0);
}

// A point with no timestamp sorts after every timed one for "first", before every timed one for "last".
const NO_TIME_LAST = '\uffff';
const NO_TIME_FIRST = '';

function compareSeen(a: Seen, b: Seen, noTime: string): number {
  const ta = a.timestamp ?? noTime;
  const tb = b.timestamp ?? noTime;
  if (ta !== tb) return ta < tb ? -1 : 1;
  const ka = a.key ?? '';
  const kb = b.key ?? '';
  if (ka !== kb) return ka < kb ? -1 : 1;
  return a.line - b.line;
}

function seenBefore(a: Seen, b: Seen): boolean {
  return compareSeen(a, b, NO_TIME_LAST) < 0;
}

function seenAfter(a: Seen, b: Seen): boolean {
  return compareSeen(a, b, NO_TIME_FIRST) > 0;
}
