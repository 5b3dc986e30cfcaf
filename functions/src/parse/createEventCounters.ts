import type { ErrorClass, ParseStats } from './types.js';

/** Level and class counters kept in locals on the hot path and flushed into `ParseStats` per batch. */
export interface EventCounters {
  /** Events counted since the last flush. */
  events: number;
  /** Adds `n` (may be negative) events of level index `index` (see {@link levelIndex}). */
  level(index: number, n: number): void;
  /** Adds `n` (may be negative) events of class `cls`. */
  cls(cls: ErrorClass, n: number): void;
  /** Moves the local counts into the stats. */
  flush(): void;
}

/**
 * Counters of `records`: the common classes (`level`, `none`) and the levels are counted in
 * locals (no keyed stores per line) and added to `stats` by `flush()` after each batch.
 *
 * @example const c = createEventCounters(stats); c.level(levelIndex(50), 1); c.flush();
 */
export function createEventCounters(stats: ParseStats): EventCounters {
  const levelCounts = new Float64Array(7); // none, trace, debug, info, warn, error, fatal
  let levelClass = 0;
  let noneClass = 0;
  const counters: EventCounters = {
    events: 0,
    level(index, n) {
      levelCounts[index]! += n;
    },
    cls(cls, n) {
      if (cls === 'level') levelClass += n;
      else if (cls === 'none') noneClass += n;
      else {
        const count = (stats.classes[cls] ?? 0) + n;
        if (count === 0) delete stats.classes[cls];
        else stats.classes[cls] = count;
      }
    },
    flush() {
      stats.events += counters.events;
      counters.events = 0;
      const l = stats.levels;
      l.none += levelCounts[0]!;
      l.trace += levelCounts[1]!;
      l.debug += levelCounts[2]!;
      l.info += levelCounts[3]!;
      l.warn += levelCounts[4]!;
      l.error += levelCounts[5]!;
      l.fatal += levelCounts[6]!;
      levelCounts.fill(0);
      if (levelClass > 0) stats.classes.level = (stats.classes.level ?? 0) + levelClass;
      if (noneClass > 0) stats.classes.none = (stats.classes.none ?? 0) + noneClass;
      levelClass = 0;
      noneClass = 0;
    },
  };
  return counters;
}

/** Index in the level counters: none, trace, debug, info, warn, error, fatal. */
export function levelIndex(rank: number): number {
  return rank >= 60 ? 6 : rank >= 50 ? 5 : rank >= 40 ? 4 : rank >= 30 ? 3 : rank >= 20 ? 2 : rank >= 10 ? 1 : 0;
}
