/** Where the rollups of one output prefix live (see README "Rollups"). */
export interface RollupKeys {
  /** `<prefix>rollups/hourly/YYYY/MM/DD/HH` (per source: `<prefix>rollups/sources/<source>/hourly/…`), without `.json`/`.html`. */
  hourly(hour: string, scope?: string): string;
  /** `<prefix>rollups/daily/YYYY/MM/DD` (per source under `rollups/sources/<source>/`), without `.json`/`.html`. */
  daily(day: string, scope?: string): string;
  /** `<prefix>rollups/index/YYYY/MM/DD/HH/`: one empty object per summary of the hour, named as its summary is (the source key, bounded by `outputKeys`). */
  index(hour: string): string;
  /** `<prefix>rollups/dirty/`: one marker per summary written since the hour was last rolled up. */
  dirty: string;
  /** The summary a key under `index(hour)` stands for. */
  summaryOfIndex(indexKey: string, hour: string): string;
  /** The index key of a summary (`<prefix>summaries/<key>.json`) in `hour`: the inverse of `summaryOfIndex`. */
  indexOfSummary(summaryKey: string, hour: string): string;
}

/**
 * The rollup layout under an output prefix. Hours are `YYYY-MM-DDTHH`, days `YYYY-MM-DD` (UTC);
 * scope `*` (every source) or a source prefix.
 *
 * @example rollupKeys('logsieve/').hourly('2026-11-26T10') // 'logsieve/rollups/hourly/2026/11/26/10'
 */
export function rollupKeys(prefix: string): RollupKeys {
  const base = (scope: string): string => (scope === '*' ? `${prefix}rollups/` : `${prefix}rollups/sources/${scope}/`);
  const ymd = (day: string): string => `${day.slice(0, 4)}/${day.slice(5, 7)}/${day.slice(8, 10)}`;
  const index = (hour: string): string => `${prefix}rollups/index/${ymd(hour)}/${hour.slice(11, 13)}/`;
  return {
    hourly: (hour, scope = '*') => `${base(scope)}hourly/${ymd(hour)}/${hour.slice(11, 13)}`,
    daily: (day, scope = '*') => `${base(scope)}daily/${ymd(day)}`,
    index,
    dirty: `${prefix}rollups/dirty/`,
    summaryOfIndex: (indexKey, hour) => `${prefix}summaries/${indexKey.slice(index(hour).length)}.json`,
    indexOfSummary: (summaryKey, hour) => `${index(hour)}${summaryKey.slice(`${prefix}summaries/`.length, -'.json'.length)}`,
  };
}
