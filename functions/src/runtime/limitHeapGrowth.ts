import { setFlagsFromString } from 'node:v8';

/** How far above what the last full GC kept V8 lets the old generation grow before the next one, %. */
export const HEAP_GROWING_PERCENT = 50;

/**
 * Bounds V8's heap growth for the rest of the process: the old generation may grow to 1.5× what
 * survived the last full GC (V8's own factor goes up to 4× when collection is cheap, as it is for a
 * merge that holds little). Set at start by the rollup writer and `logsieve rollup`, which run one
 * job a process. The rollup readers make about 350 KB of short-lived garbage per summary, most of it
 * the SDK's per-request middleware, endpoint and signing objects: with V8's default the committed
 * heap grew with the length of the run (peak RSS 161 MiB for 1,000 summaries, 192 MiB for 10,000);
 * with it RSS stays flat (136 → 142 MiB) at the same speed (bench:rollup). Not set by the processing
 * function: there it cost 15–22 % of the speed on app logs (bench:e2e, bundles with and without it
 * run in turn). The flag is read at every full GC, so setting it after start takes effect; `node
 * --heap-growing-percent` is not allowed in NODE_OPTIONS.
 *
 * @example limitHeapGrowth(); // at the top of a process that merges summaries
 */
export function limitHeapGrowth(percent: number = HEAP_GROWING_PERCENT): void {
  if (!Number.isInteger(percent) || percent < 1) throw new RangeError(`limitHeapGrowth: percent must be a positive integer, got ${percent}`);
  setFlagsFromString(`--heap-growing-percent=${percent}`);
}
