/** Keys of everything a backfill writes about itself, under the output prefix. */
export interface BackfillKeys {
  /** `<outputPrefix>backfills/<id>/`: every key below is under it. */
  root: string;
  plan: string;
  /** The n-th manifest page (0-based): `manifest-0000.json`. */
  page: (n: number) => string;
  /** The result of one item. */
  result: (itemId: string) => string;
  report: string;
  /** The backfill's rollup, without `.json`/`.html`. */
  rollup: string;
}

/**
 * Where the documents of backfill `backfillId` go. Results are named after item ids, so an item
 * that runs again overwrites its result rather than adding one.
 *
 * @example backfillKeys('logsieve/', '20261201T2130Z-1a2b3c').page(0) // 'logsieve/backfills/20261201T2130Z-1a2b3c/manifest-0000.json'
 */
export function backfillKeys(outputPrefix: string, backfillId: string): BackfillKeys {
  const root = `${outputPrefix}backfills/${backfillId}/`;
  return {
    root,
    plan: `${root}plan.json`,
    page: (n) => `${root}manifest-${String(n).padStart(4, '0')}.json`,
    result: (itemId) => `${root}results/${itemId}.json`,
    report: `${root}report.json`,
    rollup: `${root}rollup`,
  };
}

/** An item's id: page and index in it, zero-padded so that ids sort as the manifest does. */
export function itemId(page: number, index: number): string {
  return `${String(page).padStart(5, '0')}-${String(index).padStart(5, '0')}`;
}
