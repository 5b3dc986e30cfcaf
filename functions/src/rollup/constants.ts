/** Version of the rollup JSON layout; bumped on any incompatible change. */
export const ROLLUP_SCHEMA = 'logsieve.rollup/1';

/** Bounds and defaults of merged summaries and rollups. */
export const ROLLUP_DEFAULTS = {
  /** Groups a merged summary keeps (Space-Saving counters): merges are exact for groups above the floor. */
  keptGroups: 200,
  /** Groups a rollup shows in `topGroups`. */
  topGroups: 20,
  /** Minutes the errors-per-minute histogram keeps: the latest ones; the rest are counted in `histogramOverflow`. */
  histogramMinutes: 10_080,
  /** Source prefixes tracked by name in `bySource` (the first ones in code-unit order); the rest add to `(other)`. */
  maxSources: 50,
  /** Path segments of a source key that name its source prefix (`alb/2026/...` → `alb`). */
  sourceDepth: 1,
  /** Days of earlier rollups a group must be absent from to be `new`. */
  newDays: 7,
  /** A group is `rising` when its hourly count is at least this many times its trailing hourly mean… */
  risingFactor: 5,
  /** …and at least this count. */
  risingMinCount: 10,
  /** Hours of the trailing mean. */
  risingHours: 24,
  /** Summaries (or rollups) read at once. */
  readConcurrency: 16,
} as const;

/** Name of the `bySource` entry the sources beyond `maxSources` add to. */
export const OTHER_SOURCES = '(other)';

/** The EventBridge event put when an hourly rollup has new or rising groups. */
export const ROLLUP_EVENT = { source: 'logsieve', detailType: 'Error groups changed' } as const;
