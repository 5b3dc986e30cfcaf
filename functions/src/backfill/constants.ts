/**
 * Defaults and bounds of a backfill (planner, item processing, in-process run). README.md's
 * limits table carries them.
 */
export const BACKFILL_DEFAULTS = {
  /**
   * Most objects in one item (one Lambda invocation on Step Functions). 200 at most: with S3 keys
   * of at most 1 024 bytes an item's JSON then stays under Step Functions' 256 KiB per item input.
   */
  maxItemKeys: 100,
  /**
   * Most bytes (S3 sizes, compressed) in one item: 1 GiB of gzip is some 10 GB of text, about 75 s
   * at the 130–150 MB/s of one vCPU, well inside the function's 5-minute timeout. An object larger
   * than this travels alone in its own item.
   */
  maxItemBytes: 1024 ** 3,
  /** Items per manifest page (one JSON array in S3, one Distributed Map run). */
  itemsPerPage: 1000,
  /** Objects processed at once by an in-process backfill. */
  concurrency: 8,
  /** Failures listed in the report itself; every one is in the item results. */
  reportedFailures: 1000,
} as const;

/** Upper bounds of the settings above. */
export const BACKFILL_BOUNDS = {
  maxItemKeys: 200,
  itemsPerPage: 10_000,
  concurrency: 64,
} as const;

/** Versions of the JSON documents a backfill writes. */
export const BACKFILL_SCHEMAS = {
  plan: 'logsieve.backfill-plan/1',
  item: 'logsieve.backfill-item/1',
  report: 'logsieve.backfill-report/1',
} as const;
